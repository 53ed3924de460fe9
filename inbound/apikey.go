package inbound

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"
)

// DefaultAPIKeyHeader is the header APIKey reads when APIKeyOptions.Header is
// empty: the one Asaas uses.
const DefaultAPIKeyHeader = "access_token"

// SchemeAPIKey is the Principal.Scheme of requests authenticated by APIKey.
const SchemeAPIKey = "APIKey"

// DefaultMaxKeyLength is the longest API key accepted when
// APIKeyOptions.MaxKeyLength is 0. Longer values are refused as
// invalid_access_token_format before they are hashed.
const DefaultMaxKeyLength = 512

// maxMaxKeyLength bounds APIKeyOptions.MaxKeyLength: hashing is the only
// per-request cost an attacker controls, so it stays small.
const maxMaxKeyLength = 8 << 10

// ErrKeyNotFound is what a KeyStore returns (or wraps) for a key it does not
// know or that was revoked. APIKey answers it with 401 invalid_access_token;
// any other error from a store is 503 key_store_unavailable.
var ErrKeyNotFound = errors.New("inbound: API key not found")

// KeyStore finds the Principal an API key belongs to, by the key's SHA-256
// hash: a store never needs to hold the keys themselves, only their hashes,
// so a leaked store does not leak the keys.
//
// Lookup returns ErrKeyNotFound (or an error wrapping it) for unknown and
// revoked keys; any other error means the store could not answer (a database
// down) and the request gets 503. A returned Principal is shared and must not
// be modified by the caller. A database-backed store implements KeyStore with
// one indexed query on the hash column.
//
// Implementations must be safe for concurrent use.
type KeyStore interface {
	Lookup(ctx context.Context, sha256 [32]byte) (*Principal, error)
}

// APIKeyOptions configures APIKey. A nil *APIKeyOptions, like every zero
// field, means the documented defaults.
type APIKeyOptions struct {
	// Header is the request header that carries the key. Default
	// "access_token" (DefaultAPIKeyHeader).
	Header string

	// Environments maps key prefixes to environment names, e.g.
	// "$aact_prod_" -> "production", "$aact_hmlg_" -> "sandbox". When set, a
	// key that starts with none of the prefixes is refused with
	// invalid_access_token_format before any store lookup; the longest
	// matching prefix wins. When empty, keys carry no environment.
	Environments map[string]string

	// Environment is this server's environment, one of the Environments
	// values. When set, a key of another environment is refused with
	// invalid_environment before any store lookup, so a sandbox key never
	// reaches the production store. When empty, keys of every environment are
	// accepted and the Principal says which one it was.
	Environment string

	// MaxKeyLength is the longest key accepted, in bytes. Default 512
	// (DefaultMaxKeyLength); at most 8192.
	MaxKeyLength int

	// Checksum says that keys are made by NewAPIKey: a prefix, 30 random
	// base62 characters and a 6-character CRC-32 checksum. A key whose
	// checksum does not match (a typo, a guess, a flood of random keys) is
	// refused with invalid_access_token_format before its hash is computed
	// and without asking the store. With Environments, the part before the
	// random characters must be exactly one of the prefixes.
	//
	// The checksum is not a secret and proves nothing about a key: it only
	// spares the store the keys that cannot be real. Leave it off for keys
	// issued in another format.
	Checksum bool
}

// envPrefix is one entry of APIKeyOptions.Environments.
type envPrefix struct {
	prefix, env string
}

type apiKeyValidator struct {
	store    KeyStore
	hashed   *hashedKeys // store, when it is HashedKeys: a zero-allocation path
	header   string      // canonical form, so that lookups need no canonicalisation
	name     string      // as configured, for descriptions
	prefixes []envPrefix // longest first
	cache    *KeyCache   // store, when it is a KeyCache: its hits allocate nothing
	env      string
	maxLen   int
	checksum bool
}

// APIKey returns a Validator for requests that carry an API key in a header
// (by default the Asaas header, "access_token: <key>").
//
// The checks run in this order, each answered with a stable code (the
// *Error's Code, which callers may match on): no header or an empty one is
// 401 access_token_not_found; several headers are 400 invalid_request; a key
// that is too long, contains anything but visible ASCII, matches none of the
// environment prefixes or (with APIKeyOptions.Checksum) does not carry a
// valid checksum is 401 invalid_access_token_format; a key of another
// environment than opts.Environment is 401 invalid_environment; a key the
// store does not know (or revoked) is 401 invalid_access_token; a store
// failure is 503 key_store_unavailable. None of these errors asks for a
// WWW-Authenticate challenge, and none contains the key.
//
// The key is looked up by its SHA-256 hash. That makes the comparison
// constant-time by construction: the secure way, as opposed to comparing the
// presented key with each stored key using ==, whose running time leaks how
// many leading bytes matched. The hash of an attacker's guess is unrelated to
// the hashes stored, so a map probe teaches nothing about any key.
//
// The Principal has Scheme "APIKey" and the Environment of the key's prefix.
// With HashedKeys as the store (or a KeyCache hit), a successful Validate
// allocates nothing, and APIKey refuses a store holding a key that no request
// could present (see ErrInvalidKey), so that a missing key fails at start-up.
//
// Every configuration mistake is reported at once, in an error wrapping
// ErrInvalidConfig.
func APIKey(store KeyStore, opts *APIKeyOptions) (Validator, error) {
	var o APIKeyOptions
	if opts != nil {
		o = *opts
	}
	errs := o.normalise()
	v := &apiKeyValidator{
		store:    store,
		header:   textproto.CanonicalMIMEHeaderKey(o.Header),
		name:     o.Header,
		env:      o.Environment,
		maxLen:   o.MaxKeyLength,
		checksum: o.Checksum,
	}
	errs = append(errs, v.useStore(store)...)
	prefixes, perrs := o.prefixes()
	v.prefixes = prefixes
	errs = append(errs, perrs...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return v, nil
}

// normalise fills in the defaults and reports the header and length
// mistakes.
func (o *APIKeyOptions) normalise() []error {
	var errs []error
	if o.Header == "" {
		o.Header = DefaultAPIKeyHeader
	}
	if !validHeaderName(o.Header) {
		errs = append(errs, newConfigError("APIKey", fmt.Sprintf("invalid header name %q", o.Header)))
	}
	switch {
	case o.MaxKeyLength == 0:
		o.MaxKeyLength = DefaultMaxKeyLength
	case o.MaxKeyLength < 0 || o.MaxKeyLength > maxMaxKeyLength:
		errs = append(errs, newConfigError("APIKey", fmt.Sprintf("MaxKeyLength %d out of range [1, %d]", o.MaxKeyLength, maxMaxKeyLength)))
		o.MaxKeyLength = DefaultMaxKeyLength // so that the other checks still run
	}
	return errs
}

// useStore records the store's fast paths and reports a store that cannot
// work with these options.
func (v *apiKeyValidator) useStore(store KeyStore) []error {
	if store == nil {
		return []error{newConfigError("APIKey", "nil KeyStore")}
	}
	v.cache, _ = store.(*KeyCache)
	if v.cache != nil && v.cache.err != nil {
		return []error{v.cache.err}
	}
	v.hashed, _ = store.(*hashedKeys)
	if v.hashed == nil {
		return nil
	}
	if v.hashed.err != nil {
		return []error{v.hashed.err} // "inbound: HashedKeys: …", wrapping ErrInvalidKey
	}
	if v.hashed.longest > v.maxLen {
		return []error{newConfigErrorOf("APIKey", ErrInvalidKey,
			fmt.Sprintf("a key of the store is longer than MaxKeyLength (%d bytes), so it could never be accepted", v.maxLen))}
	}
	return nil
}

// prefixes checks Environments and Environment and returns the prefixes,
// longest first.
func (o *APIKeyOptions) prefixes() ([]envPrefix, []error) {
	var errs []error
	var out []envPrefix
	known := false
	for prefix, env := range o.Environments {
		// Prefixes are not secret (they name environments), so they may
		// appear in configuration errors.
		switch {
		case prefix == "" || !validKey(prefix):
			errs = append(errs, newConfigError("APIKey", fmt.Sprintf("invalid environment prefix %q", prefix)))
		case env == "":
			errs = append(errs, newConfigError("APIKey", fmt.Sprintf("empty environment name for prefix %q", prefix)))
		case len(prefix) >= o.MaxKeyLength:
			errs = append(errs, newConfigError("APIKey", fmt.Sprintf("prefix %q is not shorter than MaxKeyLength", prefix)))
		case o.Checksum && len(prefix)+apiKeyBodyLen > o.MaxKeyLength:
			errs = append(errs, newConfigError("APIKey", fmt.Sprintf("a key with prefix %q and a checksum is longer than MaxKeyLength", prefix)))
		}
		known = known || env == o.Environment
		out = append(out, envPrefix{prefix, env})
	}
	if o.Environment != "" && !known {
		errs = append(errs, newConfigError("APIKey", fmt.Sprintf("Environment %q is none of the Environments values", o.Environment)))
	}
	// Longest first, so that "$aact_prod_" wins over "$aact_"; then by prefix
	// so that the order does not depend on map iteration (nor do the errors).
	slices.SortFunc(out, func(a, b envPrefix) int {
		if d := len(b.prefix) - len(a.prefix); d != 0 {
			return d
		}
		return strings.Compare(a.prefix, b.prefix)
	})
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return out, errs
}

// Validate implements Validator.
func (v *apiKeyValidator) Validate(r *http.Request) (*Principal, error) {
	vals := r.Header[v.header]
	switch len(vals) {
	case 0:
		return nil, v.notFound()
	case 1:
	default:
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
			Description: "several '" + v.name + "' headers were sent; send exactly one"}
	}
	key := vals[0]
	if key == "" {
		return nil, v.notFound()
	}
	env, ok := v.environmentOf(key)
	if !ok {
		return nil, &Error{Status: http.StatusUnauthorized, Code: CodeInvalidAccessTokenFormat,
			Description: "the value provided does not look like a valid API key; check the key's format"}
	}
	if v.env != "" && env != v.env {
		return nil, &Error{Status: http.StatusUnauthorized, Code: CodeInvalidEnvironment,
			Description: "the API key provided does not belong to this environment"}
	}
	p, err := v.lookup(r.Context(), hashKey(key), env)
	switch {
	case err == nil && p != nil:
		return p, nil
	case err == nil || errors.Is(err, ErrKeyNotFound):
		// A store answering (nil, nil) is treated as "not found": fail closed.
		return nil, &Error{Status: http.StatusUnauthorized, Code: CodeInvalidAccessToken,
			Description: "the API key provided is invalid", Err: err}
	default:
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeKeyStoreUnavailable,
			Description: "the API key could not be checked; try again later", Err: err}
	}
}

// lookup asks the store for the key's Principal, completed with env. The
// in-memory store and the cache keep the completed Principal, so that their
// hits allocate nothing.
func (v *apiKeyValidator) lookup(ctx context.Context, sum [32]byte, env string) (*Principal, error) {
	switch {
	case v.hashed != nil:
		return v.hashed.lookupIn(sum, env)
	case v.cache != nil:
		return v.cache.lookupIn(ctx, sum, env)
	}
	p, err := v.store.Lookup(ctx, sum)
	if err == nil && p != nil {
		p = withEnvironment(p, env)
	}
	return p, err
}

func (v *apiKeyValidator) notFound() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeAccessTokenNotFound,
		Description: "the '" + v.name + "' authentication header is required and was not found in the request"}
}

// environmentOf checks the key's shape and returns the environment of its
// prefix. ok is false for a key of the wrong shape.
func (v *apiKeyValidator) environmentOf(key string) (env string, ok bool) {
	if len(key) > v.maxLen || !validKey(key) {
		return "", false
	}
	if len(v.prefixes) == 0 {
		return "", !v.checksum || checksumValid(key, -1)
	}
	for _, p := range v.prefixes {
		// A key must be more than its prefix.
		if len(key) > len(p.prefix) && key[:len(p.prefix)] == p.prefix {
			return p.env, !v.checksum || checksumValid(key, len(p.prefix))
		}
	}
	return "", false
}

// String describes the validator without any key material.
func (v *apiKeyValidator) String() string {
	return "inbound.APIKey(header=" + strconv.Quote(v.name) + ", environment=" + strconv.Quote(v.env) + ")"
}

// validKey reports whether s is only visible ASCII (RFC 9110 VCHAR): no
// spaces, controls or non-ASCII bytes in a key. It checks eight bytes at a
// time (a key is checked on every request).
func validKey(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if !vcharWord(w) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// vcharWord reports whether every byte of w is in [0x21, 0x7e]. A byte below
// 0x21 borrows into its top bit when 0x21 is subtracted (while its own top
// bit is clear); a byte above 0x7e has its top bit set, or gets it when 0x01
// is added. Both tests are exact for "some byte is out of range", which is
// all that is asked.
func vcharWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (w - 0x21*ones) &^ w
	above := (w + 0x01*ones) | w
	return (below|above)&highs == 0
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// hashKey returns SHA-256(key) without copying key: sha256.Sum256 only
// reads its input (it writes into the digest's own buffer), so viewing the
// string's bytes in place is safe, and it spares the request path an
// allocation or a copy into a zeroed stack buffer.
func hashKey(key string) [32]byte {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(key), len(key)))
}

// withEnvironment returns p with Scheme "APIKey" and Environment env (when
// env is set), copying p only when it differs.
func withEnvironment(p *Principal, env string) *Principal {
	if p.Scheme == SchemeAPIKey && (env == "" || p.Environment == env) {
		return p
	}
	c := *p
	c.Scheme = SchemeAPIKey
	if env != "" {
		c.Environment = env
	}
	return &c
}

// hashedKeys is the KeyStore of HashedKeys.
type hashedKeys struct {
	m map[[32]byte]*hashedEntry
	// err is the construction error (see NewHashedKeys): a store built with
	// it answers every Lookup with it, and APIKey refuses the store.
	err error
	// longest is the length of the longest key, which is not secret: APIKey
	// refuses a MaxKeyLength under which some key could never be presented.
	longest int
}

type hashedEntry struct {
	base    *Principal
	withEnv envCache
}

// envCache holds a stored Principal completed with the environment of the
// key's prefix (see withEnvironment), so that the request path allocates
// nothing. A key has one prefix, so it settles after the first request.
type envCache struct{ p atomic.Pointer[Principal] }

// get returns base completed for env.
func (c *envCache) get(base *Principal, env string) *Principal {
	want := env
	if want == "" {
		want = base.Environment
	}
	if base.Scheme == SchemeAPIKey && base.Environment == want {
		return base
	}
	if p := c.p.Load(); p != nil && p.Environment == want {
		return p
	}
	p := withEnvironment(base, env)
	c.p.Store(p)
	return p
}

// ErrInvalidKey is wrapped by the construction errors of NewHashedKeys,
// HashedKeys' stores and APIKey for a configured key that no request could
// ever present: an empty key (typically an environment variable that was not
// set), one with spaces, control or non-ASCII characters (a trailing newline
// read from a file), or one longer than APIKeyOptions.MaxKeyLength. The
// messages name the Principal the key belongs to, never the key.
var ErrInvalidKey = errors.New("invalid API key")

// HashedKeys returns an in-memory KeyStore of the given keys and the
// Principal each belongs to. It hashes the keys with SHA-256 at construction
// and keeps only the hashes, never a key. The Principals are copied, with
// Scheme set to "APIKey"; a nil Principal stands for an empty one.
//
// A key that no request could present (empty, or with characters other than
// visible ASCII) is a configuration error, which this signature cannot
// return: APIKey refuses such a store with an error wrapping ErrInvalidKey,
// and any other caller gets that error from every Lookup (so a request is
// answered 503, never 401 for everyone). Use NewHashedKeys to get the error
// here instead.
//
// Use it for a fixed set of keys read from configuration; keys managed at run
// time belong in a database behind your own KeyStore.
func HashedKeys(keys map[string]*Principal) KeyStore {
	h, _ := newHashedKeys(keys)
	return h
}

// NewHashedKeys is HashedKeys that reports a key no request could present
// (see ErrInvalidKey) as an error, naming the key's Principal by its Subject
// and KeyID, never the key. The error wraps ErrInvalidConfig and
// ErrInvalidKey, and lists every such key at once.
func NewHashedKeys(keys map[string]*Principal) (KeyStore, error) {
	h, err := newHashedKeys(keys)
	if err != nil {
		return nil, err
	}
	return h, nil
}

func newHashedKeys(keys map[string]*Principal) (*hashedKeys, error) {
	h := &hashedKeys{m: make(map[[32]byte]*hashedEntry, len(keys))}
	var errs []error
	for key, p := range keys {
		c := Principal{}
		if p != nil {
			c = *p
			c.Scopes = slices.Clone(p.Scopes)
		}
		c.Scheme = SchemeAPIKey
		switch {
		case key == "":
			errs = append(errs, newConfigErrorOf("HashedKeys", ErrInvalidKey, "empty key for "+describeOwner(&c)))
			continue
		case !validKey(key):
			errs = append(errs, newConfigErrorOf("HashedKeys", ErrInvalidKey,
				"the key for "+describeOwner(&c)+" holds a space, control or non-ASCII character"))
			continue
		}
		h.longest = max(h.longest, len(key))
		h.m[hashKey(key)] = &hashedEntry{base: &c}
	}
	// Map order is random: sort, so that the message is the same each run.
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	h.err = errors.Join(errs...)
	return h, h.err
}

// describeOwner names the Principal a configured key belongs to, for
// configuration errors: its Subject and KeyID are not secret.
func describeOwner(p *Principal) string {
	s := "the Principal with Subject " + strconv.Quote(p.Subject)
	if p.KeyID != "" {
		s += " and KeyID " + strconv.Quote(p.KeyID)
	}
	return s
}

// Lookup implements KeyStore.
func (h *hashedKeys) Lookup(_ context.Context, sum [32]byte) (*Principal, error) {
	if h.err != nil {
		return nil, h.err
	}
	e := h.m[sum]
	if e == nil {
		return nil, ErrKeyNotFound
	}
	return e.base, nil
}

// lookupIn is Lookup with the Principal completed for env, without allocating
// once the entry's cache is warm.
func (h *hashedKeys) lookupIn(sum [32]byte, env string) (*Principal, error) {
	e := h.m[sum]
	if e == nil {
		return nil, ErrKeyNotFound
	}
	return e.withEnv.get(e.base, env), nil
}

// String describes the store without any key material.
func (h *hashedKeys) String() string {
	if h.err != nil {
		return "inbound.HashedKeys(invalid: " + strconv.Itoa(len(h.m)) + " usable keys)"
	}
	return "inbound.HashedKeys(" + strconv.Itoa(len(h.m)) + " keys)"
}

// GoString is String: %#v shows no hashes either.
func (h *hashedKeys) GoString() string { return h.String() }
