// Package selftest is what the framework examples (examples/std,
// examples/gin, examples/echo) share: the guards, a local token issuer
// standing in for an identity provider, the curl lines they print in server
// mode, and the self-test that sends them a few valid and invalid requests
// and prints the answers, so that CI can check each of them with its
// -selftest flag.
package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Run sends the requests to the API at baseURL, with tokens of the local
// issuer and the API key, and writes one line per answer to w. It fails if
// any answer differs from the expected one. It never prints a credential.
func (e *Env) Run(ctx context.Context, baseURL string, w io.Writer) error {
	now := time.Now()
	valid, err := e.token(nil)
	if err != nil {
		return err
	}
	expired, err := e.token(map[string]any{"iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()})
	if err != nil {
		return err
	}
	other, err := e.token(map[string]any{"aud": "another-api"})
	if err != nil {
		return err
	}
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	cases := []struct {
		name   string
		path   string
		header http.Header
		status int
		code   string
	}{
		{"valid JWT", "/v1/payments", bearer(valid), 200, ""},
		{"expired JWT", "/v1/payments", bearer(expired), 401, "token_expired"},
		{"JWT with a forged signature", "/v1/payments", bearer(forge(valid)), 401, "invalid_token"},
		{"JWT for another audience", "/v1/payments", bearer(other), 401, "invalid_audience"},
		{"no Authorization", "/v1/payments", nil, 401, "missing_token"},
		{"valid API key", "/keys/payments", http.Header{"Access_token": {e.apiKey}}, 200, ""},
		{"production key on a sandbox", "/keys/payments", http.Header{"Access_token": {"$aact_prod_0123456789"}}, 401, "invalid_environment"},
		{"API key, no User-Agent", "/keys/payments", http.Header{"Access_token": {e.apiKey}, "User-Agent": {""}}, 400, "user_agent_required"},
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

// forge changes one character in the middle of tok's signature (keeping
// it valid base64url), as an attacker editing a token would.
func forge(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 8
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
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
