package outbound_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// A client that authorizes its requests with OAuth2 client credentials.
func ExampleBearer() {
	// A token endpoint and an API, in-process for the example.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if id, secret, _ := r.BasicAuth(); id != "my-client" || secret != "my-secret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"access_token":"t0k3n","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /v1/balance", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "balance for %s", r.Header.Get("Authorization"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	src := outbound.NewSource(&outbound.ClientCredentials{
		TokenURL:     srv.URL + "/oauth/token",
		ClientID:     "my-client",
		ClientSecret: "my-secret",
	}, nil)
	client := &http.Client{Transport: outbound.Chain(nil, outbound.Bearer(src))}

	resp, err := client.Get(srv.URL + "/v1/balance")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output: balance for Bearer t0k3n
}

// Printing a token never shows its value.
func ExampleToken() {
	tok := outbound.Token{Value: "s3cret", Expiry: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	fmt.Println(tok)
	fmt.Printf("%#v\n", tok)
	// Output:
	// Token{Type: Bearer, Value: REDACTED, Expiry: 2026-01-02T03:04:05Z}
	// Token{Type: Bearer, Value: REDACTED, Expiry: 2026-01-02T03:04:05Z}
}

// Refused credentials are a permanent error, told apart with errors.Is.
func ExampleError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client","error_description":"Client authentication failed"}`)
	}))
	defer srv.Close()

	src := outbound.NewSource(&outbound.ClientCredentials{TokenURL: srv.URL, ClientID: "id", ClientSecret: "wrong"}, nil)
	_, err := src.Token(context.Background())
	var oe *outbound.Error
	if errors.As(err, &oe) {
		fmt.Println(errors.Is(err, outbound.ErrInvalidCredentials), oe.Status, oe.Code, oe.Message)
	}
	// Output: true 401 invalid_client Client authentication failed
}

// Chain applies decorators outermost first.
func ExampleChain() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, r.Header.Get("User-Agent"), r.Header.Get("Access_token") != "")
	}))
	defer srv.Close()

	client := &http.Client{Transport: outbound.Chain(nil,
		outbound.UserAgent("shop/1.0"),
		outbound.Header("access_token", "$aact_hmlg_example"),
	)}
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output: shop/1.0 true
}
