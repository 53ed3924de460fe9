// A user's program for the root module: a net/http API guarded by an API key
// (inbound, middleware, adapters/std), called by a client that sends the key
// (outbound), and a token Source.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound"
)

const apiKey = "user-program-key-0123456789abcdef"

func main() {
	v, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme"}}), nil)
	if err != nil {
		log.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	api := httptest.NewServer(stdauth.Require(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		fmt.Fprint(w, p.Subject)
	})))
	defer api.Close()

	with := &http.Client{Transport: outbound.Chain(nil, outbound.Header(inbound.DefaultAPIKeyHeader, apiKey))}
	if code, body := get(with, api.URL); code != http.StatusOK || body != "acme" {
		log.Fatalf("with the key: %d %q, want 200 \"acme\"", code, body)
	}
	if code, _ := get(http.DefaultClient, api.URL); code != http.StatusUnauthorized {
		log.Fatalf("without a key: %d, want 401", code)
	}

	src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: "t", Type: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
	if _, err := src.Token(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println("root: API key accepted (200), missing key refused (401), Source gave a token")
}

func get(c *http.Client, url string) (int, string) {
	resp, err := c.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
