package outbound

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

var badTokenValues = map[string]string{
	"CR LF injection": "abc\r\nX-Injected: yes",
	"LF":              "abc\ndef",
	"CR":              "abc\rdef",
	"NUL":             "abc\x00def",
	"tab":             "abc\tdef",
	"other control":   "abc\x1bdef",
	"DEL":             "abc\x7fdef",
	"empty":           "",
}

// A token value that cannot go into a header, an empty one, or a type other
// than Bearer is ErrInvalidResponse at fetch time, from every fetcher.
func TestTokenValuesCheckedOnArrival(t *testing.T) {
	type answer struct{ value, typ string }
	fetchers := map[string]func(t *testing.T, url string) Fetcher{
		"ClientCredentials": func(t *testing.T, url string) Fetcher {
			return &ClientCredentials{TokenURL: url, ClientID: "id", ClientSecret: "secret"}
		},
		"JSONFetcher": func(t *testing.T, url string) Fetcher {
			return &JSONFetcher{URL: url, Body: map[string]string{"k": "v"}, TokenField: "access_token", TypeField: "token_type"}
		},
	}
	cases := map[string]answer{}
	for name, v := range badTokenValues {
		cases["value "+name] = answer{v, "Bearer"}
	}
	for _, typ := range []string{"mac", "DPoP", "Basic", "Bearer x"} {
		cases["type "+typ] = answer{"good", typ}
	}
	for fname, mk := range fetchers {
		for cname, a := range cases {
			t.Run(fname+"/"+cname, func(t *testing.T) {
				body, _ := json.Marshal(map[string]any{"access_token": a.value, "token_type": a.typ, "expires_in": 3600})
				srv := tokenServer(t, http.StatusOK, string(body), nil)
				_, err := mk(t, srv.URL).Fetch(context.Background())
				if !errors.Is(err, ErrInvalidResponse) {
					t.Fatalf("err = %v, want ErrInvalidResponse", err)
				}
			})
		}
		for _, typ := range []string{"Bearer", "bearer", "BEARER", ""} {
			t.Run(fname+"/accepts type "+typ, func(t *testing.T) {
				body, _ := json.Marshal(map[string]any{"access_token": "good", "token_type": typ, "expires_in": 3600})
				srv := tokenServer(t, http.StatusOK, string(body), nil)
				tok, err := mk(t, srv.URL).Fetch(context.Background())
				if err != nil || tok.Scheme() != "Bearer" {
					t.Fatalf("token %v, err %v", tok, err)
				}
			})
		}
	}
}

// A Fetcher of any kind that returns such a value: the Source refuses it, never
// caches it, and Bearer never sends a request with it.
func TestSourceRefusesUnsendableTokens(t *testing.T) {
	cases := map[string]Token{}
	for name, v := range badTokenValues {
		cases["value "+name] = Token{Value: v}
	}
	cases["type with CR LF"] = Token{Value: "good", Type: "Bearer\r\nX: y"}
	cases["type with space"] = Token{Value: "good", Type: "Bearer x"}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			var fetches, sent atomic.Int64
			api := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent.Add(1) }))
			defer api.Close()
			src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
				fetches.Add(1)
				return bad, nil
			}), nil)
			client := &http.Client{Transport: Chain(api.Client().Transport, Bearer(src))}
			for range 3 {
				resp, err := client.Get(api.URL)
				if !errors.Is(err, ErrInvalidResponse) {
					if resp != nil {
						resp.Body.Close()
					}
					t.Fatalf("err = %v, want ErrInvalidResponse", err)
				}
			}
			if src.cur.Load() != nil {
				t.Fatal("the token was cached")
			}
			if sent.Load() != 0 || fetches.Load() != 1 {
				t.Fatalf("requests sent = %d, fetches = %d; want 0 and 1 (then backoff)", sent.Load(), fetches.Load())
			}
		})
	}
}
