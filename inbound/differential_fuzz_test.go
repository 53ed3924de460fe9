package inbound

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzDifferential runs the same tokens through BearerJWT and through
// golang-jwt's parser, with the same keys (the same KeySet), algorithms and
// required claims (iss, aud, exp), and fails on any disagreement except where
// gatehouse is stricter on purpose. Those documented cases are:
//
//   - JSON that is not strict: duplicate member names, invalid UTF-8 or lone
//     surrogate escapes, nesting deeper than 64, a header of more members
//     than the budget allows (64), an alg, kid or typ that is not a string (golang-jwt's encoding/json keeps the last duplicate,
//     replaces bad UTF-8 with U+FFFD, and ignores typ);
//   - a "crit" header parameter (golang-jwt ignores it; RFC 7515 §4.1.11
//     says to refuse what is not understood);
//   - a sub that is not a string, an iat that is not a number, malformed
//     scope or scp claims (golang-jwt checks none of them by default);
//   - time claims outside the years 1678 to 2262, and a fractional nbf,
//     which gatehouse rounds up to the next second where golang-jwt rounds
//     down;
//   - a token over 8 KiB, CR or LF inside a segment (Go's base64 decoder,
//     which golang-jwt uses, skips them) and non-canonical base64.
//
// A token gatehouse accepts and golang-jwt refuses always fails the test.
//
// Each input is a header and a payload, signed (mode 0), signed and then
// with one signature bit flipped (mode 1), or taken as the whole token
// (mode 2: header is the token).
func FuzzDifferential(f *testing.F) {
	k := fixtures()
	ks := staticTestKeys(f)
	algs := []string{"HS256", "RS256", "ES256", "EdDSA"}
	signers := map[string]struct {
		m   jwt.SigningMethod
		key any
	}{
		"HS256": {jwt.SigningMethodHS256, k.hmac},
		"RS256": {jwt.SigningMethodRS256, k.rsa},
		"ES256": {jwt.SigningMethodES256, k.ec},
		"EdDSA": {jwt.SigningMethodEdDSA, k.ed},
	}
	kids := map[string]string{"HS256": "hmac", "RS256": "rsa", "ES256": "ec", "EdDSA": "ed"}
	v := newTestValidator(f, func(o *JWTOptions) { o.Keys, o.Algorithms, o.CacheSize = ks, algs, -1 })
	p := jwt.NewParser(
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer("https://issuer.example"),
		jwt.WithAudience("api"),
		jwt.WithTimeFunc(fixedClock),
		jwt.WithStrictDecoding(),
	)
	keyFunc := func(t *jwt.Token) (any, error) {
		kid, isStr := t.Header["kid"].(string)
		if _, present := t.Header["kid"]; present && !isStr {
			return nil, errors.New("kid is not a string")
		}
		alg, _ := t.Header["alg"].(string)
		return ks.Key(context.Background(), kid, alg)
	}

	good := mustJSON(f, claims(nil))
	for i, alg := range algs {
		h := `{"alg":"` + alg + `","kid":"` + kids[alg] + `"}`
		f.Add(h, good, uint8(i), uint8(0))
		f.Add(h, good, uint8(i), uint8(1))
		f.Add(`{"alg":"`+alg+`"}`, good, uint8(i), uint8(0))
		f.Add(sign(f, signers[alg].m, signers[alg].key, kids[alg], claims(nil)), "", uint8(i), uint8(2))
	}
	for _, c := range []string{
		`{"iss":"https://issuer.example","aud":["x","api"],"exp":1700003600.9,"nbf":1699999999.5}`,
		`{"iss":"https://issuer.example","aud":"api","exp":1700003600,"sub":"a","sub":"b"}`,
		`{"iss":"https://issuer.example","aud":"api","exp":1e300}`,
		`{"iss":"https://issuer.example","aud":[1,"api"],"exp":1700003600}`,
		`{"iss":"https://issuer.example","aud":"api","exp":"1700003600"}`,
		`{"iss":"https://issuer.example","aud":"api","exp":1700003600,"iat":"x","scope":7}`,
		"{\"iss\":\"https://issuer.example\",\"aud\":\"api\",\"exp\":1700003600,\"sub\":\"\xff\"}",
	} {
		f.Add(`{"alg":"HS256","kid":"hmac"}`, c, uint8(0), uint8(0))
	}
	f.Add(`{"alg":"HS256","kid":"hmac","crit":["b64"],"b64":false}`, good, uint8(0), uint8(0))
	f.Add(`{"alg":"HS256","ALG":"none","kid":"hmac"}`, good, uint8(0), uint8(0))

	f.Fuzz(func(t *testing.T, header, payload string, algIndex, mode uint8) {
		var tok string
		if mode%3 == 2 {
			tok = header
		} else {
			s := signers[algs[int(algIndex)%len(algs)]]
			tok = b64([]byte(header)) + "." + b64([]byte(payload))
			sig, err := s.m.Sign(tok, s.key)
			if err != nil {
				t.Fatal(err)
			}
			if mode%3 == 1 && len(sig) > 0 {
				sig[len(sig)/2] ^= 0x10
			}
			tok += "." + b64(sig)
		}
		_, gerr := v.validateToken(context.Background(), tok)
		_, jerr := p.Parse(tok, keyFunc)
		switch {
		case gerr == nil && jerr != nil:
			t.Fatalf("gatehouse accepts what golang-jwt refuses (%v): %q", jerr, tok)
		case gerr != nil && jerr == nil && !stricterOnPurpose(gerr, header, payload, mode%3 == 2):
			t.Fatalf("gatehouse refuses (%v) what golang-jwt accepts: %q", gerr, tok)
		}
	})
}

// stricterOnPurpose reports whether gatehouse refused for one of the
// documented reasons of FuzzDifferential.
func stricterOnPurpose(err error, header, payload string, raw bool) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	for _, cause := range []error{errJSONDuplicate, errJSONUTF8, errJSONDepth, errJSONType, errJSONBudget} {
		if errors.Is(err, cause) {
			return true
		}
	}
	switch e.Description {
	case "the token has unsupported critical header parameters",
		"the token's sub claim is not a string",
		"the token's time claims are not numbers of seconds from 1678 to 2262",
		"the token's scope claims are malformed",
		"the token is too large":
		return true
	case "the token is not base64url":
		return raw && strings.ContainsAny(header, "\r\n")
	case "the token header is not strict base64url", "the token payload is not strict base64url",
		"the token signature is not strict base64url":
		return raw
	}
	if e.Code == CodeTokenNotYetValid && !raw {
		if c, err := parseJSONObject(payload); err == nil {
			nbf, _ := c["nbf"].(float64)
			return nbf != math.Trunc(nbf)
		}
	}
	return false
}
