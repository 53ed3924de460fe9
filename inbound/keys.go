package inbound

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"github.com/gatehouse-go/gatehouse/internal/jose"
	"sort"
	"strconv"
	"strings"
)

// Sentinel errors a KeySet returns from Key. BearerJWT maps them to the
// response: ErrUnknownKey to 401 unknown_key, ErrWrongKeyType to 401
// invalid_token, ErrKeySetUnavailable (and any other error) to 503
// key_set_unavailable.
var (
	// ErrUnknownKey: the set holds no key for the token's kid (or, for a token
	// without kid, not exactly one key usable with its algorithm).
	ErrUnknownKey = errors.New("inbound: unknown key")
	// ErrWrongKeyType: the set holds a key for the kid, but of another type
	// than the token's algorithm needs (an HMAC secret for RS256, a P-384 key
	// for ES256, a key whose JWK "alg" names another algorithm).
	ErrWrongKeyType = errors.New("inbound: key type does not match the algorithm")
	// ErrKeySetUnavailable: the set has no keys to offer yet, for example a
	// JWKS whose first load has not succeeded.
	ErrKeySetUnavailable = errors.New("inbound: key set unavailable")
)

// KeySet gives BearerJWT the key that verifies a token.
//
// Key returns the public key (or HMAC secret) for the token's kid and
// algorithm: *rsa.PublicKey for RS*/PS*, *ecdsa.PublicKey on the matching
// curve for ES*, ed25519.PublicKey for EdDSA, []byte for HS*. kid is empty
// when the token has none. Errors should be, or wrap, ErrUnknownKey,
// ErrWrongKeyType or ErrKeySetUnavailable. BearerJWT checks the returned key's
// type against the algorithm again, so a faulty KeySet cannot cause algorithm
// confusion.
//
// Key is called on every request (also on verified-token cache hits, to notice
// removed keys), so it must be fast and must not block on I/O for known keys.
// It must return the same key value (the same pointer, or the same slice) for
// as long as the key is unchanged: the cache compares identities.
//
// Implementations must be safe for concurrent use.
type KeySet interface {
	Key(ctx context.Context, kid, alg string) (any, error)
}

// Minimum key sizes accepted by StaticKeys and JWKS.
const (
	// MinRSABits is the smallest RSA modulus accepted, in bits.
	MinRSABits = jose.MinRSABits
	// MinHMACBytes is the shortest HMAC secret accepted. HS384 and HS512 need
	// at least 48 and 64 bytes (RFC 7518 §3.2: a key at least as long as the
	// hash output).
	MinHMACBytes = jose.MinHMACBytes
)

// keyEntry is one key of a set. alg, when not empty, restricts the key to
// that one algorithm (a JWK's "alg" member).
type keyEntry struct {
	kid string
	key any
	alg string
}

// keyMap is an immutable set of keys; JWKS swaps whole keyMaps atomically.
type keyMap struct {
	byKID map[string]*keyEntry
	all   []*keyEntry // sorted by kid, for deterministic kid-less lookups
}

func newKeyMap(entries []*keyEntry) *keyMap {
	m := &keyMap{byKID: make(map[string]*keyEntry, len(entries)), all: entries}
	sort.Slice(m.all, func(i, j int) bool { return m.all[i].kid < m.all[j].kid })
	for _, e := range entries {
		m.byKID[e.kid] = e
	}
	return m
}

// lookup implements KeySet.Key over the map.
func (m *keyMap) lookup(kid, alg string) (any, error) {
	if kid == "" {
		// A token without kid may use the set's only compatible key: with
		// several candidates, trying each would multiply the verification
		// cost an attacker can cause, and picking one would be arbitrary.
		var found *keyEntry
		for _, e := range m.all {
			if e.usableWith(alg) {
				if found != nil {
					return nil, ErrUnknownKey
				}
				found = e
			}
		}
		if found == nil {
			return nil, ErrUnknownKey
		}
		return found.key, nil
	}
	e, ok := m.byKID[kid]
	if !ok {
		return nil, ErrUnknownKey
	}
	if !e.usableWith(alg) {
		return nil, ErrWrongKeyType
	}
	return e.key, nil
}

// nameOf returns the kid under which the set holds key, for the Principal of
// a token that named no kid.
func (m *keyMap) nameOf(key any) string {
	for _, e := range m.all {
		if sameKey(e.key, key) {
			return e.kid
		}
	}
	return ""
}

// keyNamer is implemented by the package's own KeySets.
type keyNamer interface{ nameOf(key any) string }

func (e *keyEntry) usableWith(alg string) bool {
	if e.alg != "" && e.alg != alg {
		return false
	}
	return keyFitsAlg(e.key, alg)
}

// keyFitsAlg reports whether key may verify signatures of algorithm alg
// (see jose.KeyFits).
func keyFitsAlg(key any, alg string) bool { return jose.KeyFits(key, alg) }

// checkKey validates a key given to StaticKeys (or parsed from a JWK) and
// returns the value the set keeps, a copy (see jose.CheckKey).
func checkKey(key any) (any, error) { return jose.CheckKey(key) }

// MinRSAExponent is the smallest RSA public exponent accepted (FIPS 186-5
// asks for more than 2^16). Exponents such as 3 have a history of signature
// forgeries against lenient verifiers.
const MinRSAExponent = jose.MinRSAExponent

// keyKind names a key's family for messages.
func keyKind(key any) string {
	switch key.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "EC"
	case ed25519.PublicKey:
		return "OKP"
	case []byte:
		return "oct"
	}
	return "unknown"
}

// sameKey reports whether a and b are the same key object (not merely equal
// keys). It never compares slices with ==, which would panic.
func sameKey(a, b any) bool {
	switch x := a.(type) {
	case *rsa.PublicKey:
		y, ok := b.(*rsa.PublicKey)
		return ok && x == y
	case *ecdsa.PublicKey:
		y, ok := b.(*ecdsa.PublicKey)
		return ok && x == y
	case ed25519.PublicKey:
		y, ok := b.(ed25519.PublicKey)
		return ok && len(x) == len(y) && len(x) > 0 && &x[0] == &y[0]
	case []byte:
		y, ok := b.([]byte)
		return ok && len(x) == len(y) && len(x) > 0 && &x[0] == &y[0]
	}
	return false
}

// equalKey reports whether a and b hold the same key material.
func equalKey(a, b any) bool {
	switch x := a.(type) {
	case *rsa.PublicKey:
		y, ok := b.(*rsa.PublicKey)
		return ok && x.Equal(y)
	case *ecdsa.PublicKey:
		y, ok := b.(*ecdsa.PublicKey)
		return ok && x.Equal(y)
	case ed25519.PublicKey:
		y, ok := b.(ed25519.PublicKey)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	return false
}

// staticKeys is the KeySet StaticKeys returns.
type staticKeys struct{ m *keyMap }

// StaticKeys returns a KeySet over a fixed map of kid to key. Accepted keys:
// *rsa.PublicKey of at least 2048 bits, *ecdsa.PublicKey on P-256, P-384 or
// P-521, ed25519.PublicKey, and []byte HMAC secrets of at least 32 bytes
// (copied). Weak, private or unsupported keys are an error here, never at
// request time. The kid "" is allowed; a token without kid uses the set's only
// key usable with its algorithm, if there is exactly one.
func StaticKeys(keys map[string]any) (KeySet, error) {
	if len(keys) == 0 {
		return nil, newConfigError("StaticKeys", "no keys")
	}
	entries := make([]*keyEntry, 0, len(keys))
	var errs []error
	for kid, k := range keys {
		key, err := checkKey(k)
		if err != nil {
			errs = append(errs, newConfigError("StaticKeys", fmt.Sprintf("key %q: %v", kid, err)))
			continue
		}
		entries = append(entries, &keyEntry{kid: kid, key: key})
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, errors.Join(errs...)
	}
	return &staticKeys{m: newKeyMap(entries)}, nil
}

// Key implements KeySet.
func (s *staticKeys) Key(_ context.Context, kid, alg string) (any, error) {
	return s.m.lookup(kid, alg)
}

func (s *staticKeys) nameOf(key any) string { return s.m.nameOf(key) }

// String describes the set without its key material.
func (s *staticKeys) String() string { return "inbound.StaticKeys(" + describeKeys(s.m) + ")" }

// GoString is String, so that %#v does not print secrets either.
func (s *staticKeys) GoString() string { return s.String() }

// Format prints String for every verb, so that no formatting reaches the
// HMAC secrets.
func (s *staticKeys) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

func describeKeys(m *keyMap) string {
	if m == nil {
		return "no keys"
	}
	var b strings.Builder
	for i, e := range m.all {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(e.kid))
		b.WriteString(":")
		b.WriteString(keyKind(e.key))
	}
	return b.String()
}
