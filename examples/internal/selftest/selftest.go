// Package selftest sends the framework examples (examples/std, examples/gin,
// examples/echo) a few valid and invalid requests and prints the answers, so
// that CI can check each of them with its -selftest flag.
package selftest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The claims the examples' BearerJWT validators require.
const (
	Issuer   = "https://auth.example.local"
	Audience = "payments-api"
)

// Credentials returns the JWT secret and the API key the example programs
// accept: JWT_SECRET and API_KEY from the environment, or random ones when
// unset (logged when warn is true, never printed).
func Credentials(warn bool) (secret []byte, apiKey string) {
	secret, apiKey = []byte(os.Getenv("JWT_SECRET")), os.Getenv("API_KEY")
	if warn && (len(secret) == 0 || apiKey == "") {
		log.Print("JWT_SECRET or API_KEY not set: using random ones, which only -selftest knows")
	}
	if len(secret) == 0 {
		secret = []byte(rand.Text() + rand.Text()) // 52 random characters
	}
	if apiKey == "" {
		apiKey = "$aact_hmlg_" + rand.Text()
	}
	return secret, apiKey
}

// Run sends the requests to the API at baseURL, minting JWTs with secret
// (HS256, kid "k1") and presenting apiKey, and writes one line per answer to
// w. It fails if any answer differs from the expected one. It never prints a
// credential.
func Run(ctx context.Context, baseURL string, secret []byte, apiKey string, w io.Writer) error {
	now := time.Now()
	mint := func(key []byte, exp time.Time) string {
		t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"iss": Issuer, "aud": Audience, "sub": "alice", "exp": exp.Unix()})
		t.Header["kid"] = "k1"
		s, _ := t.SignedString(key) // HMAC signing only fails for a non-[]byte key
		return s
	}
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	cases := []struct {
		name   string
		path   string
		header http.Header
		status int
		code   string
	}{
		{"valid JWT", "/v1/payments", bearer(mint(secret, now.Add(time.Hour))), 200, ""},
		{"expired JWT", "/v1/payments", bearer(mint(secret, now.Add(-time.Hour))), 401, "token_expired"},
		{"JWT signed with another key", "/v1/payments", bearer(mint([]byte("another key, also 32 bytes long!"), now.Add(time.Hour))), 401, "invalid_token"},
		{"no Authorization", "/v1/payments", nil, 401, "missing_token"},
		{"valid API key", "/keys/payments", http.Header{"Access_token": {apiKey}}, 200, ""},
		{"production key on a sandbox", "/keys/payments", http.Header{"Access_token": {"$aact_prod_0123456789"}}, 401, "invalid_environment"},
		{"API key, no User-Agent", "/keys/payments", http.Header{"Access_token": {apiKey}, "User-Agent": {""}}, 400, "user_agent_required"},
		{"health check, no credential", "/healthz", nil, 200, ""},
	}
	failed := 0
	for _, c := range cases {
		status, answer, err := get(ctx, baseURL+c.path, c.header)
		if err != nil {
			return err
		}
		verdict := "ok"
		if status != c.status || (c.code != "" && answer != c.code) {
			verdict = fmt.Sprintf("UNEXPECTED (want %d %s)", c.status, c.code)
			failed++
		}
		fmt.Fprintf(w, "%-30s %-16s %d %-22s %s\n", c.name, c.path, status, answer, verdict)
	}
	if failed > 0 {
		return fmt.Errorf("selftest: %d unexpected answers", failed)
	}
	return nil
}

// get sends a GET and returns the status and either the error code of a
// refusal or the subject of an accepted request.
func get(ctx context.Context, url string, header http.Header) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("User-Agent", "selftest/1.0")
	for k, v := range header {
		req.Header[k] = v // an empty User-Agent makes net/http send none
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var body struct {
		Subject string `json:"subject"`
		Errors  []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body)
	if len(body.Errors) > 0 {
		return resp.StatusCode, body.Errors[0].Code, nil
	}
	return resp.StatusCode, body.Subject, nil
}
