package inbound

import (
	"encoding/base64"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// The JOSE work (strict JSON, compact JWS, the algorithm table, JWK
// conversion, weak-key checks) is done by package internal/jose, for both
// sides of gatehouse. These names tie the validators to it.

// Causes of refused JSON; errors.Is finds them in a refusal.
var (
	errJSONSyntax    = jose.ErrSyntax
	errJSONUTF8      = jose.ErrUTF8
	errJSONDuplicate = jose.ErrDuplicate
	errJSONDepth     = jose.ErrDepth
	errJSONNumber    = jose.ErrNumber
	errJSONNotObject = jose.ErrNotObject
	errJSONType      = jose.ErrType
	errJSONBudget    = jose.ErrBudget
)

// parseJSONObject reads one part of a DPoP proof (its header, its claims):
// strictly, within jose.HeaderBudget.
func parseJSONObject(b string) (map[string]any, error) { return jose.ParseObject(b, jose.HeaderBudget) }

// errBadSignature is the cause of a signature that does not verify.
var errBadSignature = jose.ErrBadSignature

// algorithm is one allowed JWS algorithm and the check that verifies it
// (a jose.Verifier's). check is only ever given a key of the algorithm's
// own type (keyFitsAlg).
type algorithm struct {
	name  string
	check func(input, sig []byte, key any) error
}

// verify checks sig over input with key, whose type fits the algorithm.
func (a *algorithm) verify(input, sig []byte, key any) error { return a.check(input, sig, key) }

// newAlgorithm returns the algorithm of a supported name, or nil.
func newAlgorithm(name string) *algorithm {
	v := jose.NewVerifier(name)
	if v == nil {
		return nil
	}
	return &algorithm{name: v.Name, check: v.Verify}
}

func (v *jwtValidator) allowed(alg string) *algorithm {
	for i := range v.algs {
		if v.algs[i].name == alg {
			return &v.algs[i]
		}
	}
	return nil
}

// splitCompact splits a compact JWS into its three segments (jose.Split),
// without decoding them, so that a DPoP proof's parts are decoded only when
// its checks need them.
func splitCompact(s string) ([3]string, bool) {
	d1, d2, err := jose.Split(s)
	if err != nil {
		return [3]string{}, false
	}
	return [3]string{s[:d1], s[d1+1 : d2], s[d2+1:]}, true
}

// decodeSegment decodes one segment that splitCompact returned, strictly.
func decodeSegment(seg string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	return b, err == nil
}

// mediaType drops the optional "application/" of a typ (jose.MediaType).
func mediaType(typ string) string { return jose.MediaType(typ) }
