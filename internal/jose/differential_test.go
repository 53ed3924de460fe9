package jose

import (
	"testing"
)

// The differential test of the move to one JOSE core. Before it, JWKs were
// read by three readers (JWK Sets through jwkset, DPoP proofs' jwk in
// package inbound, the fakes' PublicKeyFromJWK over encoding/json), compact
// JWS split by three splitters (BearerJWT's, the DPoP proof's, the fakes'
// Verify) and typ normalised twice. The tables below are what each old call
// site answered (accept or refuse) for the same inputs, recorded by running
// the old code; the test runs every input through the one core, with each
// site's options, and fails unless the core refuses whatever any old site
// refused (the stricter rule wins), and accepts whatever all old sites
// accepted, except for the inputs listed in stricterNow, each with why.

type oldJWK struct {
	jwk              string
	jwks, dpop, fake bool // accepted by the JWKS, DPoP and providertest readers
}

type oldSplit struct {
	tok             string
	jwt, dpop, fake bool // split and decoded by BearerJWT, the DPoP check, jose.Verify
}

type oldTyp struct {
	typ       string
	jwt, dpop bool // read as dpop+jwt by the JWT and the DPoP normaliser
}

// stricterNow lists the inputs some old site accepted that the core
// refuses now, by table and index, with why.
var stricterNow = map[string]string{
	"jwks 5":   "RSA n with a leading zero (RFC 7518 §6.3.1.1 forbids it): jwkset accepted it",
	"jwks 22":  "alg null: jwkset read null as absent; a member of the wrong type is refused",
	"jwks 6":   "RSA e with a leading zero: likewise",
	"jwks 9":   "padded base64url: jwkset tolerated it",
	"jwks 10":  "a line feed inside base64url: jwkset's decoder skipped it",
	"jwks 11":  "private member d: jwkset ignored it; a published private key has leaked",
	"jwks 12":  "private member p: likewise",
	"jwk 5":    "RSA n with a leading zero: the DPoP reader refused it, jwkset and the fakes accepted it",
	"jwk 6":    "RSA e with a leading zero: likewise",
	"jwk 7":    "RSA e = 3: the fakes made no weak-key check",
	"jwk 8":    "a 1024-bit RSA key: likewise",
	"jwk 9":    "padded base64url: jwkset and the fakes tolerated it",
	"jwk 10":   "a line feed inside base64url (Go's strict decoder skips it): only the DPoP reader refused it",
	"jwk 11":   "private member d: jwkset ignored it, the others refused it",
	"jwk 12":   "private member p: likewise",
	"jwk 13":   "use enc: the DPoP reader and the fakes ignored use",
	"jwk 14":   "key_ops without verify: likewise",
	"jwk 15":   "key_ops with an unregistered operation: likewise",
	"jwk 16":   "alg ES384 on a P-256 key: the DPoP reader and the fakes ignored alg",
	"jwk 17":   "alg ES521, not a JWS algorithm: likewise",
	"jwk 18":   "alg RS256 on an EC key: likewise",
	"jwk 19":   "KTY in upper case: encoding/json read it as kty in the fakes",
	"jwk 20":   "X in upper case: likewise",
	"jwk 21":   "kid of the wrong type: the DPoP reader and the fakes ignored kid",
	"jwk 22":   "alg null: likewise; jwkset read null as absent",
	"jwk 26":   "x5c (here no certificate): untrusted JWKs may not carry certificates, whose parsing is costly",
	"jwk 27":   "x5t: likewise",
	"jwk 28":   "x5u: likewise",
	"jwk 32":   "the all-zero Ed25519 key (small order): the fakes made no weak-key check",
	"jwk 40":   "a duplicate member: encoding/json kept the last one in the fakes",
	"split 9":  "a line feed in the header (Go's strict decoder skips it): the fakes' Verify accepted it",
	"split 10": "a carriage return in the payload: likewise",
	"split 11": "a line feed in the signature: likewise",
	"split 2":  "an empty header: the fakes' Verify split it",
	"split 3":  "an empty signature: likewise",
	"split 17": "empty header and signature: likewise",
}

// refusedLater lists the inputs an old splitter refused that the core's
// splitter accepts, because a later step refuses them at every site.
var refusedLater = map[string]string{
	"split 1": "an empty payload, valid JWS (RFC 7515 §7.1): the DPoP splitter refused it; the claims parse refuses it now (not a JSON object), as it did for BearerJWT",
}

var oldJWKSites = []oldJWK{
	{"{\"kty\":\"RSA\",\"n\":\"sUuoRmcTYJgNQzGbtsf28nmUkTkDD6rhGntRwXXgnvmbMWMFpR1sYvsnvfrxX-b7hArrcVAxuK5lSFqNoCaUwg7G4r1_v7soCoQimOCHApR8Ju33GpJoc7Eaus7kpY81ykLqJEsmDz1K7yj17LtcK88fbeHsSRHud72W1QHoYJy29LzApu3wGYJ9j4IAUlQp6AnioI701Upm4cvFlx97Uq413mgZsTUei46ewvr8os6wOPZqojLzhHu4mxDo-W2GROzJuCxuIFxKkn7-FY_AUWCf_mcsqeshPOcTcOG7oY2ZKksElIlG47cMg9PY1u_LMMjgVL_iB-QQlKXRHOAM8w\",\"e\":\"AQAB\"}", true, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\"}", true, true, true},
	{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"RptYiiJyEpYzTr-WVDjWfN0SgB5H7SYhf-6g_tv3uKI\"}", true, true, true},
	{"{\"kty\":\"RSA\",\"n\":\"sUuoRmcTYJgNQzGbtsf28nmUkTkDD6rhGntRwXXgnvmbMWMFpR1sYvsnvfrxX-b7hArrcVAxuK5lSFqNoCaUwg7G4r1_v7soCoQimOCHApR8Ju33GpJoc7Eaus7kpY81ykLqJEsmDz1K7yj17LtcK88fbeHsSRHud72W1QHoYJy29LzApu3wGYJ9j4IAUlQp6AnioI701Upm4cvFlx97Uq413mgZsTUei46ewvr8os6wOPZqojLzhHu4mxDo-W2GROzJuCxuIFxKkn7-FY_AUWCf_mcsqeshPOcTcOG7oY2ZKksElIlG47cMg9PY1u_LMMjgVL_iB-QQlKXRHOAM8w\",\"e\":\"AQAB\",\"kid\":\"a\",\"alg\":\"RS256\",\"use\":\"sig\"}", true, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"kid\":\"b\",\"alg\":\"ES256\",\"key_ops\":[\"verify\"]}", true, true, true},
	{"{\"kty\":\"RSA\",\"n\":\"ALFLqEZnE2CYDUMxm7bH9vJ5lJE5Aw-q4Rp7UcF14J75mzFjBaUdbGL7J7368V_m-4QK63FQMbiuZUhajaAmlMIOxuK9f7-7KAqEIpjghwKUfCbt9xqSaHOxGrrO5KWPNcpC6iRLJg89Su8o9ey7XCvPH23h7EkR7ne9ltUB6GCctvS8wKbt8BmCfY-CAFJUKegJ4qCO9NVKZuHLxZcfe1KuNd5oGbE1HouOnsL6_KLOsDj2aqIy84R7uJsQ6PlthkTsybgsbiBcSpJ-_hWPwFFgn_5nLKnrITznE3Dhu6GNmSpLBJSJRuO3DIPT2NbvyzDI4FS_4gfkEJSl0RzgDPM\",\"e\":\"AQAB\"}", true, false, true},
	{"{\"kty\":\"RSA\",\"n\":\"sUuoRmcTYJgNQzGbtsf28nmUkTkDD6rhGntRwXXgnvmbMWMFpR1sYvsnvfrxX-b7hArrcVAxuK5lSFqNoCaUwg7G4r1_v7soCoQimOCHApR8Ju33GpJoc7Eaus7kpY81ykLqJEsmDz1K7yj17LtcK88fbeHsSRHud72W1QHoYJy29LzApu3wGYJ9j4IAUlQp6AnioI701Upm4cvFlx97Uq413mgZsTUei46ewvr8os6wOPZqojLzhHu4mxDo-W2GROzJuCxuIFxKkn7-FY_AUWCf_mcsqeshPOcTcOG7oY2ZKksElIlG47cMg9PY1u_LMMjgVL_iB-QQlKXRHOAM8w\",\"e\":\"AAEAAQ\"}", true, false, true},
	{"{\"kty\":\"RSA\",\"n\":\"sUuoRmcTYJgNQzGbtsf28nmUkTkDD6rhGntRwXXgnvmbMWMFpR1sYvsnvfrxX-b7hArrcVAxuK5lSFqNoCaUwg7G4r1_v7soCoQimOCHApR8Ju33GpJoc7Eaus7kpY81ykLqJEsmDz1K7yj17LtcK88fbeHsSRHud72W1QHoYJy29LzApu3wGYJ9j4IAUlQp6AnioI701Upm4cvFlx97Uq413mgZsTUei46ewvr8os6wOPZqojLzhHu4mxDo-W2GROzJuCxuIFxKkn7-FY_AUWCf_mcsqeshPOcTcOG7oY2ZKksElIlG47cMg9PY1u_LMMjgVL_iB-QQlKXRHOAM8w\",\"e\":\"Aw\"}", false, false, true},
	{"{\"kty\":\"RSA\",\"n\":\"vejKb7qjD5wI9w2YTLUTFFIgVym7r-DLix6Sn3sMThOGLlEXpBJwBmzQV5OUv-bWLKLHt_ZmgByGyy8Ex9Uvai2mjzUjdRZp4ZOyTPW6pIK8-_39kSwkZGaNAW75jX6wFUFEHoTN3hY6HMky0yzlTR809m2G7hSsrAq2Rsegmns\",\"e\":\"AQAB\"}", false, false, true},
	{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"RptYiiJyEpYzTr-WVDjWfN0SgB5H7SYhf-6g_tv3uKI=\"}", true, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNh\\nL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\"}", true, false, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"d\":\"azpdwSM4zjY3ij6y1iytctGXR0zXDpp_M4DTS9Yy_bU\"}", true, false, false},
	{"{\"kty\":\"RSA\",\"n\":\"sUuoRmcTYJgNQzGbtsf28nmUkTkDD6rhGntRwXXgnvmbMWMFpR1sYvsnvfrxX-b7hArrcVAxuK5lSFqNoCaUwg7G4r1_v7soCoQimOCHApR8Ju33GpJoc7Eaus7kpY81ykLqJEsmDz1K7yj17LtcK88fbeHsSRHud72W1QHoYJy29LzApu3wGYJ9j4IAUlQp6AnioI701Upm4cvFlx97Uq413mgZsTUei46ewvr8os6wOPZqojLzhHu4mxDo-W2GROzJuCxuIFxKkn7-FY_AUWCf_mcsqeshPOcTcOG7oY2ZKksElIlG47cMg9PY1u_LMMjgVL_iB-QQlKXRHOAM8w\",\"e\":\"AQAB\",\"p\":\"AQAB\"}", true, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"use\":\"enc\"}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"key_ops\":[\"encrypt\"]}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"key_ops\":[\"verify\",\"frobnicate\"]}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"alg\":\"ES384\"}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"alg\":\"ES521\"}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"alg\":\"RS256\"}", false, true, true},
	{"{\"KTY\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\"}", false, false, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"X\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\"}", false, false, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"kid\":7}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"alg\":null}", true, true, true},
	{"{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"RptYiiJyEpYzTr-WVDjWfN0SgB5H7SYhf-6g_tv3uKI\"}", false, false, false},
	{"{\"kty\":\"oct\",\"k\":\"c3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3M\"}", true, false, false},
	{"{\"kty\":\"oct\",\"k\":\"c3Nzc3Nzc3Nzc3Nzc3Nzcw\"}", false, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"x5c\":[\"bm90IGEgY2VydA==\"]}", false, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"x5t\":\"abc\"}", true, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"x5u\":\"https://example.com/c\"}", true, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\"}", false, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\"}", false, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\"}", false, false, false},
	{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", false, false, true},
	{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", false, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"extra\":{\"nested\":[1,2,3]}}", true, true, true},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"kid\":\"\\u00e9\"}", true, true, true},
	{"{\"kty\":\"RSA\",\"n\":\"\",\"e\":\"AQAB\"}", false, false, false},
	{"{\"kty\":\"XYZ\"}", false, false, false},
	{"{}", false, false, false},
	{"[]", false, false, false},
	{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"McsAtttwStQEl4J2-dfO1NjSLdTfj7CFiNyECzAvMeU\",\"y\":\"cE-_-qffNhL8yJl67u2rmtJV3OthRd4YGp-oStfjNlc\",\"kty\":\"EC\"}", false, false, true},
}

var oldSplitSites = []oldSplit{
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln", true, true, true},
	{"eyJhbGciOiJIUzI1NiJ9..c2ln", true, false, true},
	{".eyJhIjoxfQ.AA", false, false, true},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.", false, false, true},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.AA.AA", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9=.eyJhIjoxfQ.AA", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ=.AA", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.AA=", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9\n.eyJhIjoxfQ.AA", false, false, true},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ\r.AA", false, false, true},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.A\nA", false, false, true},
	{"eyJhbGciOiJIUzI1NiJ9+.eyJhIjoxfQ.AA", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.A/", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ.eyJhIjoxfQ.AA", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.A", false, false, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.AB", false, false, false},
	{"..", false, false, true},
	{"", false, false, false},
	{"a.b.c", false, false, false},
	{" eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.AA", false, false, false},
}

var oldTypSites = []oldTyp{
	{"dpop+jwt", true, true},
	{"DPoP+JWT", true, true},
	{"application/dpop+jwt", true, true},
	{"APPLICATION/dpop+jwt", true, true},
	{"application/", false, false},
	{"application/application/dpop+jwt", false, false},
	{"dpop+jwt ", false, false},
	{"jwt", false, false},
	{"", false, false},
	{"applicationdpop+jwt", false, false},
}

func TestDifferentialOldCallSites(t *testing.T) {
	check := func(t *testing.T, key string, oldAccepted []bool, now bool) {
		t.Helper()
		all, some := true, false
		for _, ok := range oldAccepted {
			all, some = all && ok, some || ok
		}
		_, stricter := stricterNow[key]
		_, later := refusedLater[key]
		switch {
		case now && !all && !later:
			t.Errorf("%s: the core accepts what an old site refused (%v)", key, oldAccepted)
		case !now && some && !stricter:
			t.Errorf("%s: the core refuses what an old site accepted (%v): say why in stricterNow", key, oldAccepted)
		case stricter && now:
			t.Errorf("%s: listed in stricterNow, but the core accepts it", key)
		}
	}
	jwk := func(s string, o JWKOptions) bool {
		m, err := ParseObject(s, HeaderBudget)
		if err != nil {
			return false
		}
		_, err = KeyFromJWK(m, o)
		return err == nil
	}
	for i, c := range oldJWKSites {
		trusted, untrusted := jwk(c.jwk, JWKOptions{Symmetric: true}), jwk(c.jwk, JWKOptions{Untrusted: true})
		check(t, "jwks "+itoa(i), []bool{c.jwks}, trusted)
		check(t, "jwk "+itoa(i), []bool{c.dpop, c.fake}, untrusted)
	}
	for i, c := range oldSplitSites {
		_, err := Decode(c.tok, nil)
		check(t, "split "+itoa(i), []bool{c.jwt, c.dpop, c.fake}, err == nil)
	}
	for i, c := range oldTypSites {
		if c.jwt != c.dpop || TypeIs(c.typ, "dpop+jwt") != c.jwt {
			t.Errorf("typ %d %q: old %v/%v, core %v", i, c.typ, c.jwt, c.dpop, TypeIs(c.typ, "dpop+jwt"))
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
