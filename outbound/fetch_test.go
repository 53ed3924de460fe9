package outbound

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type seenRequest struct {
	contentType string
	user, pass  string
	hasBasic    bool
	rawAuth     string
	body        string
}

func tokenServer(t *testing.T, status int, respBody string, seen *seenRequest) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if seen != nil {
			seen.contentType = r.Header.Get("Content-Type")
			seen.user, seen.pass, seen.hasBasic = r.BasicAuth()
			seen.rawAuth = r.Header.Get("Authorization")
			seen.body = string(b)
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "12")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, respBody)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func fixedNow() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }

func TestClientCredentialsRequestShapes(t *testing.T) {
	const okBody = `{"access_token":"at","token_type":"bearer","expires_in":3600,"scope":"a b"}`
	id, secret := "client id+1", "s&cret:/="
	tests := []struct {
		name  string
		cc    ClientCredentials
		check func(t *testing.T, s seenRequest)
	}{
		{"basic escaped form", ClientCredentials{ClientID: id, ClientSecret: secret, Scopes: []string{"a", "b"}},
			func(t *testing.T, s seenRequest) {
				if !s.hasBasic || s.user != url.QueryEscape(id) || s.pass != url.QueryEscape(secret) {
					t.Errorf("basic = %q:%q", s.user, s.pass)
				}
				v, _ := url.ParseQuery(s.body)
				if s.contentType != "application/x-www-form-urlencoded" || v.Get("grant_type") != "client_credentials" ||
					v.Get("scope") != "a b" || v.Has("client_secret") {
					t.Errorf("body = %q (%s)", s.body, s.contentType)
				}
			}},
		{"basic unescaped json", ClientCredentials{ClientID: id, ClientSecret: secret, AuthStyle: AuthBasicUnescaped, Encoding: JSONBody},
			func(t *testing.T, s seenRequest) {
				if s.user != id || s.pass != secret {
					t.Errorf("basic = %q:%q", s.user, s.pass)
				}
				var m map[string]string
				if err := json.Unmarshal([]byte(s.body), &m); err != nil || len(m) != 1 || m["grant_type"] != "client_credentials" {
					t.Errorf("body = %q", s.body)
				}
				if s.contentType != "application/json" {
					t.Errorf("content type %q", s.contentType)
				}
			}},
		{"in body", ClientCredentials{ClientID: id, ClientSecret: secret, AuthStyle: AuthInBody, Params: map[string]string{"audience": "api", "grant_type": "password"}},
			func(t *testing.T, s seenRequest) {
				v, _ := url.ParseQuery(s.body)
				if s.hasBasic || v.Get("client_id") != id || v.Get("client_secret") != secret ||
					v.Get("audience") != "api" || v.Get("grant_type") != "client_credentials" {
					t.Errorf("body = %q, basic %v", s.body, s.hasBasic)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen seenRequest
			srv := tokenServer(t, 200, okBody, &seen)
			cc := tt.cc
			cc.TokenURL, cc.Client, cc.Now = srv.URL, srv.Client(), fixedNow
			tok, err := cc.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tok.Value != "at" || tok.Scheme() != "Bearer" || !tok.Expiry.Equal(fixedNow().Add(time.Hour)) {
				t.Fatalf("token = %v", tok)
			}
			tt.check(t, seen)
		})
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	const secret = "top-secret-value"
	tests := []struct {
		name     string
		status   int
		body     string
		wantIs   error
		wantCode string
	}{
		{"invalid client", 401, `{"error":"invalid_client","error_description":"Client authentication failed"}`, ErrInvalidCredentials, "invalid_client"},
		{"forbidden", 403, `{"error":"access_denied"}`, ErrForbidden, "access_denied"},
		{"rate limited", 429, `{}`, ErrRateLimited, ""},
		{"unavailable", 503, `<html>down</html>`, ErrUnavailable, ""},
		{"garbage 200", 200, `not json`, ErrInvalidResponse, ""},
		{"no token", 200, `{"token_type":"Bearer"}`, ErrInvalidResponse, ""},
		{"bad expiry", 200, `{"access_token":"x","expires_in":"soon"}`, ErrInvalidResponse, ""},
		{"negative expiry", 200, `{"access_token":"x","expires_in":-5}`, ErrInvalidResponse, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tokenServer(t, tt.status, tt.body, nil)
			cc := &ClientCredentials{TokenURL: srv.URL, ClientID: "id", ClientSecret: secret, Client: srv.Client()}
			_, err := cc.Fetch(context.Background())
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want %v", err, tt.wantIs)
			}
			var oe *Error
			if !errors.As(err, &oe) || oe.Code != tt.wantCode {
				t.Fatalf("err = %#v, want code %q", err, tt.wantCode)
			}
			if tt.status == 429 && oe.RetryAfter != 12*time.Second {
				t.Fatalf("RetryAfter = %v", oe.RetryAfter)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "id:") {
				t.Fatalf("error shows a credential: %v", err)
			}
		})
	}
}

func TestClientCredentialsTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := strings.Replace(srv.URL, "http://", "http://user:pa55word@", 1) + "/token?secret=pa55word"
	srv.Close()
	cc := &ClientCredentials{TokenURL: u, ClientID: "id", ClientSecret: "pa55word"}
	_, err := cc.Fetch(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "pa55word") {
		t.Fatalf("error shows a credential: %v", err)
	}
}

func TestJSONFetcher(t *testing.T) {
	tests := []struct {
		name       string
		fetcher    JSONFetcher
		status     int
		body       string
		wantValue  string
		wantType   string
		wantExpiry time.Time
		wantIs     error
	}{
		{"divipay 201", JSONFetcher{TokenField: "token", TypeField: "type", ExpiresInField: "expireIn", ExpiresAtField: "expireOn", Statuses: []int{201}},
			201, `{"token":"jwt","expireIn":86400,"expireOn":"2024-11-05T15:00:00.000Z","type":"Bearer"}`,
			"jwt", "Bearer", fixedNow().Add(24 * time.Hour), nil},
		{"divipay 200 not accepted", JSONFetcher{TokenField: "token", Statuses: []int{201}},
			200, `{"token":"jwt"}`, "", "", time.Time{}, ErrInvalidResponse},
		{"sopague lifetime from created", JSONFetcher{TokenField: "accessToken", ExpiresAtField: "expiration", IssuedAtField: "created", SuccessField: "authenticated"},
			200, `{"authenticated":true,"created":"2023-01-01T14:25:28.913Z","expiration":"2023-01-01T15:25:28.913Z","accessToken":"at","message":"OK"}`,
			"at", "Bearer", fixedNow().Add(time.Hour), nil},
		{"sopague absolute, no zone", JSONFetcher{TokenField: "accessToken", ExpiresAtField: "expiration"},
			200, `{"accessToken":"at","expiration":"2026-05-01T13:00:00.5"}`,
			"at", "Bearer", time.Date(2026, 5, 1, 13, 0, 0, 5e8, time.UTC), nil},
		{"sopague refused", JSONFetcher{TokenField: "accessToken", SuccessField: "authenticated"},
			200, `{"authenticated":false,"message":"Usuário ou senha inválidos"}`, "", "", time.Time{}, ErrInvalidCredentials},
		{"bad absolute expiry", JSONFetcher{TokenField: "accessToken", ExpiresAtField: "expiration"},
			200, `{"accessToken":"at","expiration":"tomorrow"}`, "", "", time.Time{}, ErrInvalidResponse},
		{"banking token-v2", JSONFetcher{TokenField: "access_token", TypeField: "token_type", ExpiresInField: "expires_in"},
			200, `{"access_token":"at","token_type":"Bearer","expires_in":3600}`, "at", "Bearer", fixedNow().Add(time.Hour), nil},
		{"token not a string", JSONFetcher{TokenField: "token"}, 200, `{"token":42}`, "", "", time.Time{}, ErrInvalidResponse},
		{"json array", JSONFetcher{TokenField: "token"}, 200, `[]`, "", "", time.Time{}, ErrInvalidResponse},
		{"no expiry fields", JSONFetcher{TokenField: "token"}, 200, `{"token":"t"}`, "t", "Bearer", time.Time{}, nil},
		{"divipay 401", JSONFetcher{TokenField: "token", Statuses: []int{201}},
			401, `{"statusCode":401,"message":"Unauthorized","error":"Invalid credentials"}`, "", "", time.Time{}, ErrInvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen seenRequest
			srv := tokenServer(t, tt.status, tt.body, &seen)
			f := tt.fetcher
			f.URL, f.Client, f.Now = srv.URL, srv.Client(), fixedNow
			f.Body = map[string]string{"client_id": "id", "client_secret": "sec"}
			tok, err := f.Fetch(context.Background())
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("err = %v, want %v", err, tt.wantIs)
				}
				if strings.Contains(err.Error(), "sec\"") {
					t.Fatalf("error shows the body: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.Value != tt.wantValue || tok.Scheme() != tt.wantType || !tok.Expiry.Equal(tt.wantExpiry) {
				t.Fatalf("token = %+v value ok %v, want expiry %v", tok, tok.Value == tt.wantValue, tt.wantExpiry)
			}
			if seen.contentType != "application/json" || seen.body != `{"client_id":"id","client_secret":"sec"}` {
				t.Fatalf("request = %+v", seen)
			}
		})
	}
}

func FuzzParseOAuth2Token(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"Bearer","expires_in":3600}`,
		`{"access_token":"a","expires_in":"3600"}`,
		`{"access_token":"a","expires_in":1e308}`,
		`{"access_token":"","expires_in":null}`,
		`[]`, `null`, `{"access_token":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		now := fixedNow()
		tok, err := parseOAuth2Token(body, "fetch token", "https://x/token", now)
		if err != nil {
			if !errors.Is(err, ErrInvalidResponse) {
				t.Fatalf("err = %v, want ErrInvalidResponse", err)
			}
			return
		}
		if tok.Value == "" {
			t.Fatal("accepted an empty token")
		}
		if !tok.Expiry.IsZero() && (tok.Expiry.Before(now) || tok.Expiry.After(now.Add(maxLifetime*time.Second))) {
			t.Fatalf("expiry %v out of range", tok.Expiry)
		}
	})
}

func FuzzJSONFetcherParse(f *testing.F) {
	for _, s := range []string{
		`{"token":"jwt","expireIn":86400,"expireOn":"2024-11-05T15:00:00.000Z","type":"Bearer"}`,
		`{"authenticated":true,"created":"2023-01-01T14:25:28.913Z","expiration":"2023-01-01T15:25:28.913Z","accessToken":"at"}`,
		`{"token":"t","expireIn":"12"}`, `{"token":"t","expireOn":"2023-01-01T14:25:28"}`,
		`{"authenticated":false,"message":"no"}`, `{}`, `0`,
	} {
		f.Add([]byte(s))
	}
	j := &JSONFetcher{URL: "https://x/auth", TokenField: "token", TypeField: "type", ExpiresInField: "expireIn",
		ExpiresAtField: "expireOn", IssuedAtField: "created"}
	k := &JSONFetcher{URL: "https://x/auth", TokenField: "accessToken", ExpiresAtField: "expiration",
		IssuedAtField: "created", SuccessField: "authenticated"}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, fetcher := range []*JSONFetcher{j, k} {
			tok, err := fetcher.parse(body, fixedNow(), nil)
			if err == nil && tok.Value == "" {
				t.Fatal("accepted an empty token")
			}
			if err != nil && !errors.Is(err, ErrInvalidResponse) && !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("unexpected error kind: %v", err)
			}
		}
	})
}

func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":"invalid_client","error_description":"x"}`,
		`{"statusCode":401,"message":"Unauthorized","error":"Invalid credentials"}`,
		`{"errors":[{"code":"invalid_access_token","description":"x"}]}`,
		`{"error":{"code":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := parseErrorBody(body, newSecrets("s3cret"))
		if len(code) > maxErrorText+len("…") || len(msg) > maxErrorText+len("…") {
			t.Fatalf("unbounded: %d, %d", len(code), len(msg))
		}
		if strings.Contains(code+msg, "s3cret") {
			t.Fatalf("secret kept: %q %q", code, msg)
		}
		if strings.ContainsAny(code+msg, "\n\r\x00") {
			t.Fatalf("control characters kept: %q %q", code, msg)
		}
	})
}

// A token request carries credentials: a redirect from the token endpoint is
// not followed, so they never reach the redirect's target.
func TestTokenRequestsDoNotFollowRedirects(t *testing.T) {
	var leaked atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		_, _ = io.WriteString(w, `{"token":"stolen","access_token":"stolen"}`)
	}))
	defer thief.Close()
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+"/auth", status)
		}))
		fetchers := []Fetcher{
			&JSONFetcher{URL: redirector.URL, TokenField: "token", Body: map[string]string{"client_secret": "SUPERSECRET"}},
			&ClientCredentials{TokenURL: redirector.URL, ClientID: "id", ClientSecret: "SUPERSECRET"},
		}
		for _, f := range fetchers {
			_, err := f.Fetch(context.Background())
			if !errors.Is(err, ErrInvalidResponse) {
				t.Errorf("%d: err = %v, want ErrInvalidResponse", status, err)
			}
		}
		redirector.Close()
	}
	if leaked.Load() != 0 {
		t.Fatalf("the redirect target received %d token requests", leaked.Load())
	}
}
