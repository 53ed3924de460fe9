package outbound

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// echoServer answers 401 with an error body that echoes everything the
// request sent: its Authorization header, its raw body, and the values of
// its JSON or form body.
func echoServer(t *testing.T, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		echo := []string{r.Header.Get("Authorization"), string(raw)}
		if u, p, ok := r.BasicAuth(); ok {
			echo = append(echo, u, p)
		}
		var m map[string]string
		if json.Unmarshal(raw, &m) == nil {
			for _, v := range m {
				echo = append(echo, v)
			}
		}
		if v, err := url.ParseQuery(string(raw)); err == nil {
			for _, vs := range v {
				echo = append(echo, vs...)
			}
		}
		text := strings.Join(echo, " | ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"error": "invalid_client: " + text, "error_description": "rejected: " + text,
			"authenticated": false, "message": "rejected: " + text,
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A token endpoint that echoes the rejected credentials puts none of them
// into the *Error, its text, or the Source's fetch events.
func TestProviderTextIsScrubbed(t *testing.T) {
	const secret = "s3cr&t/+pass word=="
	long := strings.Repeat("x", maxErrorText-10) + secret // crosses the clip boundary
	type fetcherCase struct {
		name    string
		fetcher func(url string) Fetcher
		status  int
		secret  string
	}
	cc := func(style AuthStyle, enc BodyEncoding, s string) func(string) Fetcher {
		return func(u string) Fetcher {
			return &ClientCredentials{TokenURL: u, ClientID: "client-1", ClientSecret: s, AuthStyle: style, Encoding: enc}
		}
	}
	jf := func(body any, success string) func(string) Fetcher {
		return func(u string) Fetcher {
			return &JSONFetcher{URL: u, Body: body, TokenField: "token", SuccessField: success}
		}
	}
	cases := []fetcherCase{
		{"client credentials, basic", cc(AuthBasic, FormBody, secret), 401, secret},
		{"client credentials, basic unescaped", cc(AuthBasicUnescaped, JSONBody, secret), 401, secret},
		{"client credentials, in form body", cc(AuthInBody, FormBody, secret), 401, secret},
		{"client credentials, in JSON body", cc(AuthInBody, JSONBody, secret), 401, secret},
		{"client credentials, long secret at the clip boundary", cc(AuthInBody, JSONBody, long), 401, secret},
		{"JSON fetcher, client_secret", jf(map[string]string{"client_id": "client-1", "client_secret": secret}, ""), 401, secret},
		{"JSON fetcher, password", jf(map[string]string{"userName": "user-1", "password": secret}, ""), 400, secret},
		{"JSON fetcher, nested unknown field", jf(map[string]any{"auth": map[string]any{"senha": []string{secret}}}, ""), 403, secret},
		{"JSON fetcher, success flag false", jf(map[string]string{"userName": "user-1", "password": secret}, "authenticated"), 200, secret},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			srv := echoServer(t, tt.status)
			var mu sync.Mutex
			var events []string
			src := NewSource(tt.fetcher(srv.URL), &SourceOptions{OnFetch: func(ev FetchEvent) {
				mu.Lock()
				defer mu.Unlock()
				events = append(events, fmt.Sprintf("%v %+v", ev.Err, ev))
			}})
			_, err := src.Token(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			oe := errorAs(t, err)
			mu.Lock()
			defer mu.Unlock()
			texts := append([]string{err.Error(), fmt.Sprintf("%+v", err), oe.Code, oe.Message}, events...)
			forms := []string{tt.secret, url.QueryEscape(tt.secret),
				base64.StdEncoding.EncodeToString([]byte("client-1:" + url.QueryEscape(tt.secret))),
				base64.StdEncoding.EncodeToString([]byte("client-1:" + tt.secret)), "cr&t", "s3cr"}
			for _, text := range texts {
				for _, f := range forms {
					if strings.Contains(text, f) {
						t.Fatalf("%q shows %q", text, f)
					}
				}
			}
			if !strings.Contains(oe.Code+oe.Message, "REDACTED") {
				t.Fatalf("provider text lost entirely: %q / %q", oe.Code, oe.Message)
			}
			if strings.Contains(tt.name, "JSON fetcher, ") && !strings.Contains(tt.name, "nested") && !strings.Contains(oe.Message, "-1") {
				t.Fatalf("the public id was scrubbed too: %q", oe.Message)
			}
		})
	}
}

func errorAs(t *testing.T, err error) *Error {
	t.Helper()
	oe, ok := err.(*Error)
	if !ok {
		t.Fatalf("err is %T, want *Error", err)
	}
	return oe
}
