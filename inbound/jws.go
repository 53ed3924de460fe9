package inbound

import (
	"context"
	"errors"
	"fmt"
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

// splitJWS finds the two dots of a compact JWS. Go's base64 decoder, strict
// as it is, skips CR and LF, so those are refused here; every other byte
// outside the base64url alphabet is refused by the decoder.
func splitJWS(tok string) (dot1, dot2 int, err *Error) {
	if strings.IndexByte(tok, '\n') >= 0 || strings.IndexByte(tok, '\r') >= 0 {
		return 0, 0, invalidToken("the token is not base64url")
	}
	dot1 = strings.IndexByte(tok, '.')
	if dot1 < 0 {
		return 0, 0, invalidToken("the token does not have three segments")
	}
	dot2 = strings.IndexByte(tok[dot1+1:], '.')
	if dot2 < 0 || strings.IndexByte(tok[dot1+1+dot2+1:], '.') >= 0 {
		return 0, 0, invalidToken("the token does not have three segments")
	}
	dot2 += dot1 + 1
	if dot1 == 0 || dot2 == len(tok)-1 {
		// The payload may be empty in a JWS, never the header or signature.
		return 0, 0, invalidToken("the token has an empty header or signature")
	}
	return dot1, dot2, nil
}

// decodeJWS splits a compact JWS into exactly three strict base64url segments,
// decodes its protected header and checks it (see checkHeader). It verifies
// nothing.
func (v *jwtValidator) decodeJWS(tok string, scratch []byte) (jws, *Error) {
	var d jws
	dot1, dot2, serr := splitJWS(tok)
	if serr != nil {
		return d, serr
	}
	// The decoder reads bytes: the token is copied into scratch, and the
	// segments decoded there too. Only the header and payload text is copied
	// out, into the one string the claims' strings share; the signature and
	// signing input stay in scratch, which the caller keeps until the
	// signature is checked.
	hn, pn, sn := v.b64.DecodedLen(dot1), v.b64.DecodedLen(dot2-dot1-1), v.b64.DecodedLen(len(tok)-dot2-1)
	buf := scratch[:hn+pn+sn+len(tok)]
	raw := buf[hn+pn+sn:]
	copy(raw, tok)
	hl, err := v.b64.Decode(buf, raw[:dot1])
	if err != nil {
		return d, invalidToken("the token header is not strict base64url")
	}
	pl, err := v.b64.Decode(buf[hl:hl+pn], raw[dot1+1:dot2])
	if err != nil {
		return d, invalidToken("the token payload is not strict base64url")
	}
	n, err := v.b64.Decode(buf[hn+pn:hn+pn+sn], raw[dot2+1:])
	if err != nil {
		return d, invalidToken("the token signature is not strict base64url")
	}
	d.sig = buf[hn+pn : hn+pn+n]
	text := string(buf[:hl+pl])
	d.payload = text[hl:]
	d.signingInput = raw[:dot2]
	herr := v.checkHeader(&d, text[:hl])
	return d, herr
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
	h, err := parseHeader(hdr)
	if err != nil {
		return newTokenError(CodeInvalidToken, "the token header is malformed", err)
	}
	if !h.hasAlg {
		return invalidToken("the token header has no algorithm")
	}
	if d.method = v.allowed(h.alg); d.method == nil {
		return invalidToken("the token's algorithm is not allowed")
	}
	d.alg, d.kid = d.method.name, h.kid
	if v.types != nil && !v.typeAllowed(h.typ) {
		return invalidToken("the token's type is not accepted")
	}
	// No JWS extension is understood here, so any crit is refused
	// (RFC 7515 §4.1.11).
	if h.crit {
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

// mediaType drops the "application/" prefix (in any case) that RFC 7515
// §4.1.9 lets typ omit, so that "application/at+jwt" and "at+jwt" are one
// type.
func mediaType(typ string) string {
	const prefix = "application/"
	if len(typ) > len(prefix) && strings.EqualFold(typ[:len(prefix)], prefix) {
		return typ[len(prefix):]
	}
	return typ
}
