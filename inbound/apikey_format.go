package inbound

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"unsafe"
)

const (
	// apiKeyRandomLen is the number of random base62 characters of a key
	// made by NewAPIKey: 30 × log2(62) ≈ 178 bits.
	apiKeyRandomLen = 30
	// apiKeyChecksumLen is the length of its checksum: 62^6 > 2^32, so six
	// base62 digits hold any CRC-32.
	apiKeyChecksumLen = 6
	// apiKeyBodyLen is what NewAPIKey appends to the prefix.
	apiKeyBodyLen = apiKeyRandomLen + apiKeyChecksumLen
	// maxAPIKeyPrefix bounds NewAPIKey's prefix, so that its keys stay
	// under DefaultMaxKeyLength.
	maxAPIKeyPrefix = DefaultMaxKeyLength - apiKeyBodyLen

	base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// NewAPIKey issues an API key: prefix, then 30 characters drawn uniformly
// from the base62 alphabet (0-9A-Za-z) with crypto/rand, then a 6-character
// checksum: the CRC-32 (IEEE) of prefix and random part, written in base62
// with the same alphabet, most significant digit first, left-padded with '0'.
// It returns the key and its SHA-256 hash, which is what a KeyStore keeps.
//
// The format is GitHub's token design: a prefix such as "$aact_prod_" (see
// APIKeyOptions.Environments) makes keys recognisable to people and to secret
// scanners, and the checksum lets APIKeyOptions.Checksum refuse a mistyped or
// invented key without asking any store. The checksum adds no secrecy: the
// 178 random bits are the secret.
//
// The prefix may be empty; otherwise it must be visible ASCII and at most 476
// bytes, so that the key fits DefaultMaxKeyLength. A bad prefix is an error
// wrapping ErrInvalidConfig.
func NewAPIKey(prefix string) (key string, sum [32]byte, err error) {
	if len(prefix) > maxAPIKeyPrefix || !validKey(prefix) {
		return "", sum, newConfigError("NewAPIKey", fmt.Sprintf("the prefix must be at most %d bytes of visible ASCII", maxAPIKeyPrefix))
	}
	b := make([]byte, len(prefix)+apiKeyBodyLen)
	copy(b, prefix)
	randomBase62(b[len(prefix) : len(prefix)+apiKeyRandomLen])
	putChecksum(b[len(b)-apiKeyChecksumLen:], crc32.ChecksumIEEE(b[:len(b)-apiKeyChecksumLen]))
	key = string(b)
	return key, sha256.Sum256(b), nil
}

// randomBase62 fills dst with characters drawn uniformly from base62. Bytes
// of 248 and more are dropped, so that byte % 62 has no bias (248 = 4 × 62).
func randomBase62(dst []byte) {
	var buf [64]byte
	for i := 0; i < len(dst); {
		rand.Read(buf[:]) // never returns an error; it crashes the program if the system's source fails
		for _, c := range buf {
			if c < 248 && i < len(dst) {
				dst[i] = base62[c%62]
				i++
			}
		}
	}
}

// putChecksum writes c into dst (6 bytes) in base62, most significant digit
// first, left-padded with '0'.
func putChecksum(dst []byte, c uint32) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = base62[c%62]
		c /= 62
	}
}

// checksumValid reports whether key ends with the 30 random characters and
// the checksum of a key made by NewAPIKey. prefixLen is the length of the
// prefix the key matched, or -1 when no prefixes are configured (then any
// prefix is allowed). It runs on every request before the key is hashed.
func checksumValid(key string, prefixLen int) bool {
	if prefixLen >= 0 && len(key) != prefixLen+apiKeyBodyLen || len(key) < apiKeyBodyLen {
		return false
	}
	body := key[len(key)-apiKeyBodyLen:]
	for i := 0; i < len(body); i++ {
		if !isBase62(body[i]) {
			return false
		}
	}
	n := len(key) - apiKeyChecksumLen
	// A read-only view of the string's bytes: crc32 does not write to it.
	c := crc32.ChecksumIEEE(unsafe.Slice(unsafe.StringData(key), n))
	var want [apiKeyChecksumLen]byte
	putChecksum(want[:], c)
	return string(want[:]) == key[n:]
}

func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}
