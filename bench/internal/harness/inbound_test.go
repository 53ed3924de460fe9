package harness

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

var (
	fixtureOnce sync.Once
	fixture     *Fixture
	fixtureErr  error
)

// testFixture shares one Fixture between the tests: making one generates RSA
// keys.
func testFixture(t testing.TB) *Fixture {
	t.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = NewFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

// TestInboundCasesAuthorize checks that every case accepts its valid
// credentials and that every authenticating case refuses the bad ones, so
// that the benchmarks compare code that really authenticates.
func TestInboundCasesAuthorize(t *testing.T) {
	cases, err := InboundCases(testFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			check := caseChecker(t, c)
			good := c.good
			if len(good) > 3 {
				good = good[:3]
			}
			for i, r := range good {
				if code := check(r); code != http.StatusNoContent {
					t.Errorf("valid request %d: status %d", i, code)
				}
			}
			if c.Auth == AuthNone || c.Auth == AuthContext {
				return // they authenticate nothing
			}
			if len(c.bad) == 0 {
				t.Fatal("no bad requests to check")
			}
			for name, r := range c.bad {
				if code := check(r); code < 400 || code > 499 {
					t.Errorf("%s: status %d, want a 4xx refusal", name, code)
				}
			}
		})
	}
}

// caseChecker returns a function that serves (or, for raw cases, verifies)
// one request with c and returns the status.
func caseChecker(t *testing.T, c InboundCase) func(*http.Request) int {
	t.Helper()
	if c.verifier != nil {
		verify, err := c.verifier()
		if err != nil {
			t.Fatal(err)
		}
		return func(r *http.Request) int {
			if verify(r) {
				return http.StatusNoContent
			}
			return http.StatusUnauthorized
		}
	}
	h, err := c.build()
	if err != nil {
		t.Fatal(err)
	}
	return func(r *http.Request) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
}

func TestInboundCaseNamesUnique(t *testing.T) {
	cases, err := InboundCases(testFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Name] {
			t.Errorf("duplicate case %s", c.Name)
		}
		seen[c.Name] = true
	}
}

// TestCryptoVerifiersCheck checks that the crypto floor verifies the tokens
// the cases cycle through and refuses a flipped signature bit, so that it
// measures real verification.
func TestCryptoVerifiersCheck(t *testing.T) {
	for _, alg := range Algorithms() {
		t.Run(alg, func(t *testing.T) {
			verify, toks, err := cryptoVerifier(testFixture(t), alg)
			if err != nil {
				t.Fatal(err)
			}
			if len(toks) != cryptoTokens {
				t.Fatalf("%d tokens", len(toks))
			}
			for _, tk := range toks[:3] {
				if !verify(tk.input, tk.sig) {
					t.Fatal("refused a valid signature")
				}
				bad := append([]byte(nil), tk.sig...)
				bad[len(bad)/2] ^= 1
				if verify(tk.input, bad) {
					t.Fatal("accepted a flipped signature bit")
				}
			}
		})
	}
}
