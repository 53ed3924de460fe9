package outbound

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// sealedPrefix marks a sealed stored value, so that a process without the
// key (or with encryption off) recognises one and never sends it.
const sealedPrefix = "gatehouse:sealed:v1:"

var (
	errSealedNoKey = errors.New("outbound: stored token is sealed and no EncryptionKey is set")
	errNotSealed   = errors.New("outbound: stored token is not sealed and an EncryptionKey is set")
	errOpen        = errors.New("outbound: stored token does not open with the EncryptionKey")
	errBadValue    = errors.New("outbound: stored token value is empty or not a valid header value")
	errRolledBack  = errors.New("outbound: stored token was issued before one this process has already seen (put back in the store?)")
)

// newAEAD returns AES-256-GCM for key, nil for no key.
func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) == 0 {
		return nil, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// associatedData binds a sealed value to its store key and to the stored
// fields around it (scheme, expiry, fetch time), so that a writer without the
// key can neither move the value to another credential nor stretch its life
// or change its scheme: any of these makes it fail to open.
func associatedData(key string, st SharedToken) string {
	nanos := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixNano()
	}
	return key + "\x00" + st.Token.Type + "\x00" + strconv.FormatInt(nanos(st.Token.Expiry), 10) +
		"\x00" + strconv.FormatInt(nanos(st.Fetched), 10)
}

// seal returns the stored form of value under associated data ad.
func seal(aead cipher.AEAD, ad, value string) string {
	if aead == nil {
		return value
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(value)+aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	out := aead.Seal(nonce, nonce, []byte(value), []byte(ad))
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(out)
}

// open returns the token value of a stored form.
func open(aead cipher.AEAD, ad, stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, sealedPrefix)
	switch {
	case aead == nil && sealed:
		return "", errSealedNoKey
	case aead == nil:
		return stored, nil
	case !sealed:
		return "", errNotSealed
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errOpen
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], []byte(ad))
	if err != nil {
		return "", errOpen
	}
	return string(plain), nil
}

// headerSafe reports whether v can be sent in a header: not empty, and no
// control bytes (CR, LF, NUL, DEL...).
func headerSafe(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
