package inbound

import (
	"context"
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
	// possible: HS* and "none" are construction errors.
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
	// clock. Replicas behind one load balancer need a shared one (the
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
	// its Host. Behind a proxy that terminates TLS, set it.
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
	var errs []error
	names := o.Algorithms
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

// proof is a DPoP proof that passed every check but the replay check and
// the binding to the token.
type proof struct {
	jkt string
	jti string
	iat time.Time
}

func invalidProof(desc string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidDPoPProof, Description: desc, Challenge: ChallengeDPoPError}
}

// check verifies the request's single DPoP proof against the request and
// the access token tok (RFC 9449 §4.3), up to but excluding the replay
// check (consume) and the key binding (the caller compares jkt to cnf.jkt).
func (d *dpopVerifier) check(r *http.Request, tok string) (proof, *Error) {
	var p proof
	vals := r.Header.Values("DPoP")
	if len(vals) != 1 || vals[0] == "" {
		return p, invalidProof("exactly one DPoP proof header is required")
	}
	if len(vals[0]) > MaxDPoPProofSize {
		return p, invalidProof("the DPoP proof is too large")
	}
	claims, key, e := d.parse(vals[0])
	if e != nil {
		return p, e
	}
	var err error
	if p.jkt, err = jose.Thumbprint(key); err != nil {
		return p, invalidProof("the DPoP proof's key is unusable")
	}
	if e := d.checkClaims(r, tok, claims, &p); e != nil {
		return p, e
	}
	return p, nil
}

// parse splits and verifies the proof's JWS: typ, an allowed asymmetric alg,
// the embedded public jwk, and the signature by that key.
func (d *dpopVerifier) parse(s string) (claims map[string]any, key any, _ *Error) {
	segs, ok := splitCompact(s)
	if !ok {
		return nil, nil, invalidProof("the DPoP proof is not a compact JWS")
	}
	hdr, err := parseJSONObject(string(segs[0]))
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
	key, err = publicKeyFromJWK(jwk)
	if err != nil {
		e := invalidProof("the DPoP proof's jwk is not an acceptable public key")
		e.Err = err
		return nil, nil, e
	}
	if !keyFitsAlg(key, alg) {
		return nil, nil, invalidProof("the DPoP proof's key does not fit its algorithm")
	}
	if err := method.verify([]byte(s[:len(s)-len(segs[3])-1]), segs[2], key); err != nil {
		e := invalidProof("the DPoP proof's signature is invalid")
		e.Err = err
		return nil, nil, e
	}
	if claims, err = parseJSONObject(string(segs[1])); err != nil {
		return nil, nil, invalidProof("the DPoP proof's claims are malformed")
	}
	return claims, key, nil
}

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
	p.iat = at
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
	// A proof is accepted up to and including iat+window; it is remembered a
	// second longer, so that no clock granularity leaves an instant in which
	// it is accepted and already forgotten.
	seen, err := d.replay.Seen(ctx, id, p.iat.Add(d.window+time.Second))
	switch {
	case err != nil:
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeReplayCacheUnavailable,
			Description: "the DPoP replay cache is unavailable", Err: err}
	case seen:
		return invalidProof("the DPoP proof was already used")
	}
	return nil
}
