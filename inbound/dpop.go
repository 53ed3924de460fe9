package inbound

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// Codes of DPoP (RFC 9449) refusals.
const (
	// CodeInvalidDPoPProof (401): the DPoP proof is missing, malformed,
	// replayed, stale, or does not match the request or the token.
	CodeInvalidDPoPProof = "invalid_dpop_proof"
	// CodeUseDPoPNonce (401): the proof lacks the server's current nonce;
	// the response's DPoP-Nonce header carries it (RFC 9449 §9).
	CodeUseDPoPNonce = "use_dpop_nonce"
	// CodeReplayCacheUnavailable (503): the replay cache failed, so a proof
	// could not be checked for reuse.
	CodeReplayCacheUnavailable = "replay_cache_unavailable"
)

// Defaults and bounds of DPoP proof checks.
const (
	// DefaultDPoPWindow is how old a proof's iat may be when
	// DPoPOptions.Window is 0.
	DefaultDPoPWindow = 60 * time.Second
	// DPoPFutureSkew is how far in the future a proof's iat may be.
	DPoPFutureSkew = 5 * time.Second
	// MaxDPoPProofSize is the largest DPoP header accepted, in bytes.
	MaxDPoPProofSize = 8 << 10
	// maxJTI bounds a proof's jti.
	maxJTI = 256
	// maxDPoPHeader bounds a proof's decoded header, in bytes: twice what
	// one with a 4096-bit RSA jwk needs.
	maxDPoPHeader = 2 << 10
)

// defaultDPoPAlgorithms are the proof algorithms accepted when
// DPoPOptions.Algorithms is nil.
var defaultDPoPAlgorithms = []string{"ES256", "RS256", "PS256", "EdDSA"}

// DPoPNonces lets a server demand its own nonces in DPoP proofs (RFC 9449
// §8). Implementations must be safe for concurrent use.
type DPoPNonces interface {
	// Valid reports whether nonce, taken from a proof, is one the server
	// currently accepts. nonce is "" when the proof carries none.
	Valid(nonce string) bool
	// Current returns the nonce to send in a use_dpop_nonce answer.
	Current() string
}

// DPoPOptions turns on DPoP (RFC 9449) in BearerJWT. Every zero field means
// its documented default.
type DPoPOptions struct {
	// Algorithms are the proof signature algorithms accepted. Nil means
	// ES256, RS256, PS256 and EdDSA. Only asymmetric algorithms are
	// possible: HS* and "none" are construction errors. Whatever the
	// algorithm, an RSA proof key must have 2048 to 4096 bits and the
	// exponent 65537, and the key's thumbprint is compared with the token's
	// cnf.jkt before its signature is checked, so that a proof cannot make
	// the server do expensive work.
	Algorithms []string
	// Window is how old a proof's iat may be. 0 means 60 s. A proof's iat
	// may be at most DPoPFutureSkew (5 s) in the future.
	Window time.Duration
	// Required refuses tokens that are not DPoP-bound, and the Bearer
	// scheme altogether. By default unbound tokens are still accepted as
	// Bearer tokens, while a DPoP-bound token (one with cnf.jkt) is only
	// ever accepted with its proof.
	Required bool
	// Replay remembers proof identifiers so that each proof is accepted
	// once. Nil means an in-process NewReplayCache on the validator's
	// clock, in which each proof key holds at most its share
	// (ReplayCacheOptions.PerKey), so that one client flooding proofs is
	// refused (503 replay_cache_unavailable) while the others are not. Replicas behind one load balancer need a shared one (the
	// redisstore module), else a proof captured on the way to one replica
	// can be replayed to another within the window.
	Replay ReplayCache
	// Nonces, when set, makes every proof carry a nonce it accepts, and
	// answers proofs without one with 401 use_dpop_nonce and a DPoP-Nonce
	// header (RFC 9449 §9): proofs can then not be made in advance.
	// NewDPoPNonces gives rotating random nonces.
	Nonces DPoPNonces
	// Origin is the scheme and authority clients use to reach this server,
	// e.g. "https://api.example.com", to which proofs' htu must point. Empty
	// means the request's own: https when it came over TLS, else http, and
	// its Host header, which the client chooses: a proof made for another
	// host that routes to this server is then accepted here too.
	//
	// Secure: set it whenever the server has a public URL, and always
	// behind a reverse proxy or load balancer, where the scheme and Host
	// this server sees are the proxy's (a proxy that terminates TLS makes
	// every request look like http). With JWTOptions.ClientCertProxies,
	// leaving it empty is a construction error.
	Origin string
}

// dpopVerifier checks DPoP proofs.
type dpopVerifier struct {
	algs     []*algorithm
	algNames string // space-separated, for the challenge's algs attribute
	window   time.Duration
	required bool
	replay   ReplayCache
	nonces   DPoPNonces
	origin   string // normalised scheme://authority, or ""
	now      func() time.Time
}

func newDPoPVerifier(o *DPoPOptions, now func() time.Time) (*dpopVerifier, error) {
	d := &dpopVerifier{window: o.Window, required: o.Required, replay: o.Replay, nonces: o.Nonces, now: now}
	errs := d.configureAlgorithms(o.Algorithms)
	switch {
	case d.window < 0 || d.window > time.Hour:
		errs = append(errs, newConfigError("BearerJWT", "DPoP: Window must be between 0 and 1h"))
	case d.window == 0:
		d.window = DefaultDPoPWindow
	}
	if o.Origin != "" {
		u, ok := normalizeHTU(o.Origin)
		if !ok || !strings.HasSuffix(u, "/") || strings.Count(u, "/") != 3 {
			errs = append(errs, newConfigError("BearerJWT", "DPoP: Origin must be scheme://host[:port] with no path"))
		}
		d.origin = strings.TrimSuffix(u, "/")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if d.replay == nil {
		d.replay = NewReplayCache(&ReplayCacheOptions{Now: now})
	}
	return d, nil
}

// configureAlgorithms sets up the proof algorithms (nil names: the
// defaults) and returns the mistakes.
func (d *dpopVerifier) configureAlgorithms(names []string) []error {
	var errs []error
	if names == nil {
		names = defaultDPoPAlgorithms
	}
	if len(names) == 0 {
		errs = append(errs, newConfigError("BearerJWT", "DPoP: Algorithms is empty"))
	}
	for _, name := range names {
		a := newAlgorithm(name)
		switch {
		case strings.EqualFold(name, "none") || strings.HasPrefix(name, "HS"):
			errs = append(errs, newConfigError("BearerJWT", fmt.Sprintf("DPoP: %q is not an asymmetric algorithm", name)))
		case a == nil:
			errs = append(errs, newConfigError("BearerJWT", fmt.Sprintf("DPoP: unsupported algorithm %q", name)))
		default:
			d.algs = append(d.algs, a)
		}
	}
	d.algNames = strings.Join(names, " ")
	return errs
}

// proof is a DPoP proof that passed every check but the replay check and
// the binding to the token.
type proof struct {
	jkt string
	jti string
}

func invalidProof(desc string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidDPoPProof, Description: desc, Challenge: ChallengeDPoPError}
}

// check verifies the request's single DPoP proof against the request, the
// access token tok and its cnf.jkt (RFC 9449 §4.3), up to but excluding the
// replay check (consume).
//
// The work a proof can cause before its signature is checked is bounded:
// the proof's size, an RSA key's size and exponent (checkProofKey), and the
// key's thumbprint is compared with jkt before any signature work, so that
// a proof by any other key (a leaked token's thief) costs a hash, never a
// signature verification.
func (d *dpopVerifier) check(r *http.Request, tok, jkt string) (proof, *Error) {
	var p proof
	vals := r.Header.Values("DPoP")
	if len(vals) != 1 || vals[0] == "" {
		return p, invalidProof("exactly one DPoP proof header is required")
	}
	s := vals[0]
	if len(s) > MaxDPoPProofSize {
		return p, invalidProof("the DPoP proof is too large")
	}
	segs, ok := splitCompact(s)
	if !ok {
		return p, invalidProof("the DPoP proof is not a compact JWS")
	}
	// The header holds at most a 4096-bit RSA jwk: a larger one is refused
	// before it is decoded. Each segment is decoded only when needed: a
	// proof refused for its header or key never costs the rest.
	if len(segs[0]) > maxDPoPHeader/3*4 {
		return p, invalidProof("the DPoP proof's header is too large")
	}
	hdr, ok := decodeSegment(segs[0])
	if !ok {
		return p, invalidProof("the DPoP proof is not a compact JWS")
	}
	method, key, e := d.header(hdr)
	if e != nil {
		return p, e
	}
	var err error
	if p.jkt, err = jose.Thumbprint(key); err != nil {
		return p, invalidProof("the DPoP proof's key is unusable")
	}
	if subtle.ConstantTimeCompare([]byte(p.jkt), []byte(jkt)) != 1 {
		return p, bindingFailed("the DPoP proof is not signed by the key the token is bound to")
	}
	sig, ok := decodeSegment(segs[2])
	if !ok {
		return p, invalidProof("the DPoP proof is not a compact JWS")
	}
	if err := method.verify([]byte(s[:len(s)-len(segs[2])-1]), sig, key); err != nil {
		e := invalidProof("the DPoP proof's signature is invalid")
		e.Err = err
		return p, e
	}
	payload, ok := decodeSegment(segs[1])
	if !ok {
		return p, invalidProof("the DPoP proof is not a compact JWS")
	}
	claims, err := parseJSONObject(string(payload))
	if err != nil {
		return p, invalidProof("the DPoP proof's claims are malformed")
	}
	if e := d.checkClaims(r, tok, claims, &p); e != nil {
		return p, e
	}
	return p, nil
}

// header reads the proof's JOSE header: typ, an allowed asymmetric alg, no
// crit, and the embedded public jwk, which must fit alg and checkProofKey.
func (d *dpopVerifier) header(seg []byte) (*algorithm, any, *Error) {
	hdr, err := parseJSONObject(string(seg))
	if err != nil {
		return nil, nil, invalidProof("the DPoP proof's header is malformed")
	}
	// typ is a media type: case-insensitive, "application/" optional
	// (RFC 7515 §4.1.9).
	typ, _ := hdr["typ"].(string)
	if !jose.TypeIs(typ, "dpop+jwt") {
		return nil, nil, invalidProof("the DPoP proof's typ is not dpop+jwt")
	}
	alg, _ := hdr["alg"].(string)
	var method *algorithm
	for _, a := range d.algs {
		if a.name == alg {
			method = a
		}
	}
	if method == nil {
		return nil, nil, invalidProof("the DPoP proof's algorithm is not allowed")
	}
	if _, crit := hdr["crit"]; crit {
		return nil, nil, invalidProof("the DPoP proof has unsupported critical header parameters")
	}
	jwk, _ := hdr["jwk"].(map[string]any)
	if jwk == nil {
		return nil, nil, invalidProof("the DPoP proof has no jwk")
	}
	err = checkProofJWK(jwk)
	var key any
	if err == nil {
		key, err = publicKeyFromJWK(jwk)
	}
	if err == nil {
		err = checkProofKey(key)
	}
	if err != nil {
		e := invalidProof("the DPoP proof's jwk is not an acceptable public key")
		e.Err = err
		return nil, nil, e
	}
	if !keyFitsAlg(key, alg) {
		return nil, nil, invalidProof("the DPoP proof's key does not fit its algorithm")
	}
	return method, key, nil
}

// Bounds of the RSA keys a client picks for itself (DPoP proof keys): a
// larger modulus or exponent would only make the server's signature check
// slower (a 20,000-bit modulus costs about 200 times a 2048-bit one).
const (
	minProofRSABits  = 2048
	maxProofRSABits  = 4096
	proofRSAExponent = 65537
)

// checkProofJWK refuses an RSA jwk outside the bounds of checkProofKey
// before it is decoded: n of 342 to 683 base64url characters (256 to 512
// bytes), e "AQAB" (65537).
func checkProofJWK(jwk map[string]any) error {
	if kty, _ := jwk["kty"].(string); kty != "RSA" {
		return nil
	}
	n, _ := jwk["n"].(string)
	e, _ := jwk["e"].(string)
	if len(n) < (minProofRSABits/8*4+2)/3 || len(n) > (maxProofRSABits/8*4+2)/3 || e != "AQAB" {
		return errProofRSAKey
	}
	return nil
}

// checkProofKey refuses RSA keys outside minProofRSABits to maxProofRSABits
// or with another exponent than proofRSAExponent.
func checkProofKey(key any) error {
	k, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil
	}
	if n := k.N.BitLen(); n < minProofRSABits || n > maxProofRSABits || k.E != proofRSAExponent {
		return errProofRSAKey
	}
	return nil
}

var errProofRSAKey = fmt.Errorf("inbound: a DPoP proof's RSA key must have %d to %d bits and exponent %d",
	minProofRSABits, maxProofRSABits, proofRSAExponent)

// checkClaims checks jti, htm, htu, iat, ath and nonce (RFC 9449 §4.3).
func (d *dpopVerifier) checkClaims(r *http.Request, tok string, c map[string]any, p *proof) *Error {
	jti, _ := c["jti"].(string)
	if jti == "" || len(jti) > maxJTI {
		return invalidProof("the DPoP proof's jti is missing or too long")
	}
	p.jti = jti
	if htm, _ := c["htm"].(string); htm != r.Method {
		return invalidProof("the DPoP proof's htm does not match the request method")
	}
	htu, _ := c["htu"].(string)
	if got, ok := normalizeHTU(htu); !ok || got != d.requestURI(r) {
		return invalidProof("the DPoP proof's htu does not match the request URI")
	}
	// Rounded down: a fraction never makes a proof look newer.
	rawIAT, hasIAT := c["iat"]
	iat, present, ok := numericClaim(claim{v: rawIAT, present: hasIAT}, math.Floor)
	if !present || !ok {
		return invalidProof("the DPoP proof has no numeric iat")
	}
	now := d.now()
	at := time.Unix(0, iat)
	if at.Before(now.Add(-d.window)) || at.After(now.Add(DPoPFutureSkew)) {
		return invalidProof("the DPoP proof's iat is outside the accepted window")
	}
	ath, _ := c["ath"].(string)
	if want := jose.TokenHash(tok); subtle.ConstantTimeCompare([]byte(ath), []byte(want)) != 1 {
		return invalidProof("the DPoP proof's ath does not match the access token")
	}
	if d.nonces != nil {
		nonce, _ := c["nonce"].(string)
		if !d.nonces.Valid(nonce) {
			return &Error{Status: http.StatusUnauthorized, Code: CodeUseDPoPNonce,
				Description: "the DPoP proof must carry the server's nonce", Challenge: ChallengeDPoPError,
				DPoPNonce: d.nonces.Current()}
		}
	}
	return nil
}

// consume records the proof's jti (scoped to its key), refusing a proof seen
// before. It runs last, so that refused requests never fill the cache.
func (d *dpopVerifier) consume(ctx context.Context, p proof) *Error {
	sum := sha256.Sum256([]byte(p.jkt + "\x00" + p.jti))
	id := base64.RawURLEncoding.EncodeToString(sum[:])
	// A proof is accepted while our clock is within [iat-DPoPFutureSkew,
	// iat+window]: a span of window+DPoPFutureSkew, which began at most
	// now. Counted from now, the entry outlives it on this clock, and on
	// any replica whose clock lags ours by less than DPoPFutureSkew plus the
	// proof's age; a second more, so that no clock granularity leaves an
	// instant in which the proof is accepted and already forgotten.
	until := d.now().Add(d.window + DPoPFutureSkew + time.Second)
	var seen bool
	var err error
	if sc, ok := d.replay.(scopedReplay); ok {
		seen, err = sc.seenScoped(ctx, p.jkt, id, until)
	} else {
		seen, err = d.replay.Seen(ctx, id, until)
	}
	switch {
	case errors.Is(err, ErrReplayKeyFull):
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeReplayCacheUnavailable,
			Description: "too many DPoP proofs of this key are in flight", Err: err}
	case err != nil:
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeReplayCacheUnavailable,
			Description: "the DPoP replay cache is unavailable", Err: err}
	case seen:
		return invalidProof("the DPoP proof was already used")
	}
	return nil
}
