package inbound_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gatehouse-go/gatehouse/inbound"
)

func ExampleAPIKey() {
	// The store keeps SHA-256 hashes only; the keys themselves come from
	// configuration and are not retained.
	store := inbound.HashedKeys(map[string]*inbound.Principal{
		"$aact_prod_example-key": {Subject: "acme", KeyID: "key-1"},
	})
	v, err := inbound.APIKey(store, &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	})
	if err != nil {
		panic(err)
	}
	for _, key := range []string{"", "not-a-key", "$aact_hmlg_example-key", "$aact_prod_revoked", "$aact_prod_example-key"} {
		r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
		if key != "" {
			r.Header.Set("access_token", key)
		}
		p, err := v.Validate(r)
		if e, ok := inbound.AsError(err); ok {
			fmt.Println(e.Status, e.Code)
			continue
		}
		fmt.Println(p.Subject, p.Scheme, p.Environment)
	}
	// Output:
	// 401 access_token_not_found
	// 401 invalid_access_token_format
	// 401 invalid_environment
	// 401 invalid_access_token
	// acme APIKey production
}

func ExampleAll() {
	keys, _ := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{"k-123": {Subject: "acme"}}), nil)
	// User-Agent first, as Asaas checks it: a request without one is refused
	// whatever its key.
	v := inbound.All(inbound.UserAgent(), keys)

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("access_token", "k-123")
	_, err := v.Validate(r)
	fmt.Println(err)

	r.Header.Set("User-Agent", "my-app/1.0")
	p, err := v.Validate(r)
	fmt.Println(p.Subject, err)
	// Output:
	// inbound: user_agent_required: the User-Agent header is required; send your application's name
	// acme <nil>
}

// An unset environment variable makes an empty key: NewHashedKeys refuses it
// at start-up, naming whose key it is and never a key, instead of answering
// 401 to that client for ever.
func ExampleNewHashedKeys() {
	_, err := inbound.NewHashedKeys(map[string]*inbound.Principal{
		"": {Subject: "acme", KeyID: "key-1"}, // os.Getenv("ACME_API_KEY"), unset
	})
	fmt.Println(errors.Is(err, inbound.ErrInvalidKey))
	fmt.Println(err)
	// Output:
	// true
	// inbound: HashedKeys: invalid API key: empty key for the Principal with Subject "acme" and KeyID "key-1"
}
