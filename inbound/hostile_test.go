package inbound

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// Hostile tokens: forged (signed with a secret the validator does not
// hold) and shaped to make the parsing before the signature check costly.
// Their refusal must cost about what an ordinary forged token of the same
// size costs (BenchmarkHostileRefusal).

// wrongSecret signs the forged tokens.
var wrongSecret = []byte(strings.Repeat("w", 32))

const goodClaims = `"iss":"https://issuer.example","aud":"api","sub":"user-1","exp":1700003600`

// padTo fills a JSON object text, whose members end in open (without the
// closing brace), with members made by member(i) until its token would be
// size bytes long; rest is the other segment's length in the token.
func padTo(open string, size, rest int, member func(i int) string) string {
	var b strings.Builder
	b.WriteString(open)
	for i := 0; ; i++ {
		m := "," + member(i)
		// base64url makes 4 characters of 3 bytes; 2 dots.
		if (b.Len()+len(m)+1)*4/3+rest+2 > size {
			break
		}
		b.WriteString(m)
	}
	b.WriteString("}")
	return b.String()
}

const sigLen = 43 // HS256's signature in base64url

// forgedToken is an HS256 token signed with wrongSecret.
func forgedToken(t testing.TB, header, payload string) string {
	return hmacToken(t, wrongSecret, header, payload)
}

// hostileTokens are the inputs of the tests and the benchmark, by name.
func hostileTokens(t testing.TB) map[string]string {
	hdr := `{"alg":"HS256","kid":"hmac"}`
	plainPayload := `{` + goodClaims + `}`
	hdrLen, payLen := len(b64([]byte(hdr))), len(b64([]byte(plainPayload)))
	pad := func(size int) string {
		// An ordinary claims set with one long string claim.
		n := (size-hdrLen-sigLen-2)*3/4 - len(plainPayload) - len(`,"pad":""`)
		return `{` + goodClaims + `,"pad":"` + strings.Repeat("x", n) + `"}`
	}
	members := func(size int) string {
		return padTo(`{"alg":"HS256","kid":"hmac"`, size, payLen+sigLen, func(i int) string { return fmt.Sprintf(`"%x":0`, i) })
	}
	empty := func(size int) string {
		return padTo(`{`+goodClaims, size, hdrLen+sigLen, func(i int) string { return fmt.Sprintf(`"%x":{}`, i) })
	}
	return map[string]string{
		"forged":                forgedToken(t, hdr, plainPayload),
		"forged-8k":             forgedToken(t, hdr, pad(8<<10)),
		"header-members-8k":     forgedToken(t, members(8<<10), plainPayload),
		"payload-empty-objs-8k": forgedToken(t, hdr, empty(8<<10)),
		"forged-32k":            forgedToken(t, hdr, pad(32<<10)),
		"header-members-32k":    forgedToken(t, members(32<<10), plainPayload),
	}
}

// TestHostileHeaderRefusedEarly (issue: quadratic JOSE header parsing): a
// header of hundreds of members is refused once it passes
// jose.HeaderBudget, before any key lookup; on the old code it was read in
// full (each name compared with every earlier one) and the token went on to
// the signature check.
func TestHostileHeaderRefusedEarly(t *testing.T) {
	toks := hostileTokens(t)
	v := newTestValidator(t, func(o *JWTOptions) { o.MaxTokenSize = 32 << 10 })
	for _, name := range []string{"header-members-8k", "header-members-32k"} {
		t.Run(name, func(t *testing.T) {
			_, err := v.validateToken(context.Background(), toks[name])
			e, ok := AsError(err)
			if !ok || e.Description != "the token header is malformed" || !errors.Is(err, errJSONBudget) {
				t.Fatalf("got %v, want a malformed header over the budget", err)
			}
		})
	}
}

// TestMaxTokenSizeLimit: MaxTokenSize has an upper bound.
func TestMaxTokenSizeLimit(t *testing.T) {
	ks := staticTestKeys(t)
	if _, err := BearerJWT(JWTOptions{Keys: ks, Algorithms: []string{"HS256"}, MaxTokenSize: MaxTokenSizeLimit}); err != nil {
		t.Fatalf("MaxTokenSizeLimit refused: %v", err)
	}
	_, err := BearerJWT(JWTOptions{Keys: ks, Algorithms: []string{"HS256"}, MaxTokenSize: MaxTokenSizeLimit + 1})
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "MaxTokenSize") {
		t.Fatalf("MaxTokenSize over the limit: %v", err)
	}
}

// TestForgedTokenWorkBounded (issue: forged tokens decoded in full): the
// bytes allocated to refuse a forged token whose claims are a thousand
// empty objects stay within twice those of an ordinary forged token of the
// same size. On the old code the claims were decoded in full before the
// signature was checked: about 30 times more.
func TestForgedTokenWorkBounded(t *testing.T) {
	toks := hostileTokens(t)
	v := newTestValidator(t, func(o *JWTOptions) { o.CacheSize = -1 })
	allocated := func(tok string) uint64 {
		const runs = 50
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			if _, err := v.validateToken(context.Background(), tok); !errors.Is(err, errBadSignature) {
				t.Fatalf("forged token: %v", err)
			}
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / runs
	}
	ordinary, hostile := allocated(toks["forged-8k"]), allocated(toks["payload-empty-objs-8k"])
	if hostile > 2*ordinary {
		t.Fatalf("refusing the hostile token allocated %d bytes, an ordinary forged one %d", hostile, ordinary)
	}
}

// TestClaimsOverBudgetAfterSignature: a genuine token whose claims exceed
// the budget is read in full once its signature holds, and its issuer and
// audience are still checked.
func TestClaimsOverBudgetAfterSignature(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	groups := make([]string, 300)
	for i := range groups {
		groups[i] = fmt.Sprint("group-", i)
	}
	tok := hmacToken(t, k.hmac, `{"alg":"HS256","kid":"hmac"}`, mustJSON(t, claims(map[string]any{"groups": groups})))
	p, err := v.Validate(bearerRequest(tok))
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := p.Claims["groups"].([]any); len(g) != 300 || p.Subject != "user-1" {
		t.Fatalf("claims %v", p.Claims)
	}
	other := hmacToken(t, k.hmac, `{"alg":"HS256","kid":"hmac"}`, mustJSON(t, claims(map[string]any{"groups": groups, "iss": "https://other.example"})))
	if _, err := v.Validate(bearerRequest(other)); code(err) != CodeInvalidIssuer {
		t.Fatalf("other issuer: %v", err)
	}
	dup := hmacToken(t, k.hmac, `{"alg":"HS256","kid":"hmac"}`, strings.Replace(mustJSON(t, claims(map[string]any{"groups": groups})), `{`, `{"sub":"x",`, 1))
	if _, err := v.Validate(bearerRequest(dup)); !errors.Is(err, errJSONDuplicate) {
		t.Fatalf("duplicate over the budget: %v", err)
	}
}

// BenchmarkHostileRefusal: the refusal of each hostile token beside that of
// an ordinary forged token, small and of the same size:
//
//	go test -run '^$' -bench 'BenchmarkHostileRefusal' -benchmem ./inbound/
func BenchmarkHostileRefusal(b *testing.B) {
	toks := hostileTokens(b)
	v := newTestValidator(b, func(o *JWTOptions) { o.MaxTokenSize = 32 << 10; o.CacheSize = -1 })
	for _, name := range []string{"forged", "forged-8k", "header-members-8k", "payload-empty-objs-8k", "forged-32k", "header-members-32k"} {
		b.Run(name, func(b *testing.B) {
			tok := toks[name]
			b.ReportAllocs()
			b.ReportMetric(float64(len(tok)), "token-bytes")
			for b.Loop() {
				if _, err := v.validateToken(context.Background(), tok); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
