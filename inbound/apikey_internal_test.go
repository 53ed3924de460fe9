package inbound

import (
	"crypto/sha256"
	"hash/crc32"
	"strings"
	"testing"
)

// validKeyRef is the byte-at-a-time definition validKey must agree with.
func validKeyRef(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// TestValidKeyEveryByteEveryPosition puts each of the 256 byte values at each
// position of keys long enough to use the eight-byte path and its tail, next
// to neighbours at both ends of the allowed range, where a borrow or a carry
// between bytes would show.
func TestValidKeyEveryByteEveryPosition(t *testing.T) {
	for _, fill := range []byte{0x21, 0x7e, 'a'} {
		for _, n := range []int{1, 7, 8, 9, 16, 23} {
			base := []byte(strings.Repeat(string(fill), n))
			for pos := range n {
				for c := range 256 {
					k := append([]byte(nil), base...)
					k[pos] = byte(c)
					if got, want := validKey(string(k)), validKeyRef(string(k)); got != want {
						t.Fatalf("validKey(%q) = %v, want %v", k, got, want)
					}
				}
			}
		}
	}
	if !validKey("") {
		t.Error("validKey(\"\") = false; the empty key is refused elsewhere")
	}
}

func FuzzValidKey(f *testing.F) {
	for _, s := range []string{"$aact_prod_abc", "a b", "\x7f\x80\xff", "~~~~~~~~!", " !!!!!!!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validKey(s), validKeyRef(s); got != want {
			t.Fatalf("validKey(%q) = %v, want %v", s, got, want)
		}
	})
}

func TestHashKeyIsSHA256(t *testing.T) {
	for _, k := range []string{"", "k", strings.Repeat("x", 55), strings.Repeat("y", 56), strings.Repeat("z", 9000)} {
		if hashKey(k) != sha256.Sum256([]byte(k)) {
			t.Errorf("hashKey of a %d-byte key differs from sha256.Sum256", len(k))
		}
	}
}

// checksumValidRef is checksumValid written plainly.
func checksumValidRef(key string, prefixLen int) bool {
	if prefixLen >= 0 && len(key) != prefixLen+36 || len(key) < 36 {
		return false
	}
	for _, c := range key[len(key)-36:] {
		if !strings.ContainsRune(base62, c) {
			return false
		}
	}
	var want [6]byte
	putChecksum(want[:], crc32.ChecksumIEEE([]byte(key[:len(key)-6])))
	return key[len(key)-6:] == string(want[:])
}

// FuzzChecksumValid: the request path's checksum check agrees with the plain
// one on any input, and accepts every key NewAPIKey makes.
func FuzzChecksumValid(f *testing.F) {
	for _, p := range []string{"", "$aact_prod_", "ghp_"} {
		k, _, _ := NewAPIKey(p)
		f.Add(k, len(p))
		f.Add(k, -1)
	}
	f.Add("short", 0)
	f.Fuzz(func(t *testing.T, key string, prefixLen int) {
		prefixLen = max(prefixLen, -1)
		if got, want := checksumValid(key, prefixLen), checksumValidRef(key, prefixLen); got != want {
			t.Fatalf("checksumValid(%q, %d) = %v, want %v", key, prefixLen, got, want)
		}
		if len(key) <= 476 && validKey(key) {
			k, _, err := NewAPIKey(key)
			if err != nil || !checksumValid(k, len(key)) || !checksumValid(k, -1) {
				t.Fatalf("NewAPIKey(%q) = %v, %v: refused", key, k, err)
			}
		}
	})
}
