package inbound

import (
	"context"
	"errors"
	"fmt"
	"github.com/gatehouse-go/gatehouse/internal/jose"
	"net/http"
	"strings"
)

// jws is a compact JWS split and decoded, not yet verified.
type jws struct {
	alg, kid     string
	method       *algorithm
	signingInput []byte // header.payload, as signed
	payload      string
	sig          []byte
}

// decodeJWS splits a compact JWS into exactly three strict base64url segments,
// decodes its protected header and checks it (see checkHeader). It verifies
// nothing.
func (v *jwtValidator) decodeJWS(tok string, scratch []byte) (jws, *Error) {
	var d jws
	// The token is copied into scratch and its segments decoded there too.
	// Only the header and payload text is copied out, into the one string
	// the claims' strings share; the signature and signing input stay in
	// scratch, which the caller keeps until the signature is checked.
	c, err := jose.Decode(tok, scratch)
	if err != nil {
		return d, newTokenError(CodeInvalidToken, compactDescription(err), err)
	}
	d.sig, d.signingInput = c.Signature, c.SigningInput
	text := string(scratch[:len(c.Header)+len(c.Payload)])
	d.payload = text[len(c.Header):]
	herr := v.checkHeader(&d, text[:len(c.Header)])
	return d, herr
}

// compactDescription describes an error of jose.Decode.
func compactDescription(err error) string {
	switch err {
	case jose.ErrLineBreak:
		return "the token is not base64url"
	case jose.ErrSegments:
		return "the token does not have three segments"
	case jose.ErrEmptySegment:
		return "the token has an empty header or signature"
	case jose.ErrHeaderB64:
		return "the token header is not strict base64url"
	case jose.ErrPayloadB64:
		return "the token payload is not strict base64url"
	}
	return "the token signature is not strict base64url"
}

// maxPooledScratch bounds the scratch buffers kept for reuse.
const maxPooledScratch = 64 << 10

// getScratch returns a buffer of at least n bytes from the validator's pool.
func (v *jwtValidator) getScratch(n int) *[]byte {
	p, _ := v.scratch.Get().(*[]byte)
	if p == nil || cap(*p) < n {
		b := make([]byte, n)
		return &b
	}
	return p
}

func (v *jwtValidator) putScratch(p *[]byte) {
	if cap(*p) <= maxPooledScratch {
		v.scratch.Put(p)
	}
}

// checkHeader reads the protected header into d and checks the algorithm
// against the allowlist and the crit parameter.
func (v *jwtValidator) checkHeader(d *jws, hdr string) *Error {
	// Read strictly (see strictjson.go): exact member names, valid UTF-8,
	// no duplicates. Members the validator must never act on (jwk, jku, x5u,
	// x5c) are read and ignored.
	h, err := jose.ParseHeader(hdr)
	if err != nil {
		return newTokenError(CodeInvalidToken, "the token header is malformed", err)
	}
	if !h.HasAlg {
		return invalidToken("the token header has no algorithm")
	}
	if d.method = v.allowed(h.Alg); d.method == nil {
		return invalidToken("the token's algorithm is not allowed")
	}
	d.alg, d.kid = d.method.name, h.Kid
	if v.types != nil && !v.typeAllowed(h.Typ) {
		return invalidToken("the token's type is not accepted")
	}
	// No JWS extension is understood here, so any crit is refused
	// (RFC 7515 §4.1.11).
	if h.Crit {
		return invalidToken("the token has unsupported critical header parameters")
	}
	return nil
}

// verifyJWS looks up the key for d and checks the signature with it.
func (v *jwtValidator) verifyJWS(ctx context.Context, d *jws) (any, *Error) {
	key, err := v.keys.Key(ctx, d.kid, d.alg)
	if err != nil {
		return nil, keySetError(err)
	}
	// Checked again here so that a faulty KeySet cannot cause confusion.
	if !keyFitsAlg(key, d.alg) {
		return nil, newTokenError(CodeInvalidToken, "the key for the token does not fit its algorithm", ErrWrongKeyType)
	}
	if err := d.method.verify(d.signingInput, d.sig, key); err != nil {
		return nil, newTokenError(CodeInvalidToken, "the token's signature is invalid", err)
	}
	return key, nil
}

func keySetError(err error) *Error {
	switch {
	case errors.Is(err, ErrUnknownKey):
		return newTokenError(CodeUnknownKey, "no key matches the token", err)
	case errors.Is(err, ErrWrongKeyType):
		return newTokenError(CodeInvalidToken, "the key for the token does not fit its algorithm", err)
	default:
		if !errors.Is(err, ErrKeySetUnavailable) {
			err = fmt.Errorf("%w: %w", ErrKeySetUnavailable, err)
		}
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeKeySetUnavailable, Description: "the signing keys are unavailable", Err: err}
	}
}

// typeAllowed reports whether typ, as mediaType reads it, is one of the
// accepted types. A token without typ has the type "".
func (v *jwtValidator) typeAllowed(typ string) bool {
	typ = mediaType(typ)
	for _, t := range v.types {
		if strings.EqualFold(t, typ) {
			return true
		}
	}
	return false
}
