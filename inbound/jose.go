package inbound

import (
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

// splitCompact decodes the three segments of a compact JWS (jose.Decode);
// segs[3] is the raw signature segment, so that the signing input can be
// sliced off.
func splitCompact(s string) ([4][]byte, bool) {
	var out [4][]byte
	c, err := jose.Decode(s, nil)
	if err != nil {
		return out, false
	}
	out[0], out[1], out[2] = c.Header, c.Payload, c.Signature
	out[3] = []byte(s[len(c.SigningInput)+1:])
	return out, true
}

// mediaType drops the optional "application/" of a typ (jose.MediaType).
func mediaType(typ string) string { return jose.MediaType(typ) }
