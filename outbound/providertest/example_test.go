package providertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func ExampleNewDiviPay() {
	fake, err := providertest.NewDiviPay(nil)
	if err != nil {
		panic(err)
	}
	defer fake.Close()

	cr := fake.Credentials()
	body := fmt.Sprintf(`{"client_id":%q,"client_secret":%q}`, cr.ClientID, cr.ClientSecret)
	resp, err := fake.Client().Post(fake.TokenURL(), "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	var tok struct {
		Token    string `json:"token"`
		ExpireIn int    `json:"expireIn"`
		Type     string `json:"type"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, tok.Type, tok.ExpireIn)

	req, _ := http.NewRequest("GET", fake.BaseURL()+"/api/charge/abc123", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err = fake.Client().Do(req)
	if err != nil {
		panic(err)
	}
	var echo providertest.APIResponse
	_ = json.NewDecoder(resp.Body).Decode(&echo)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, echo.Method, echo.Path)
	fmt.Println("token requests:", fake.TokenRequests(), "API requests:", fake.APIRequests())
	// Output:
	// 201 Bearer 86400
	// 200 GET /api/charge/abc123
	// token requests: 1 API requests: 1
}

func ExampleNewAsaas() {
	fake, err := providertest.NewAsaas(providertest.Sandbox, nil)
	if err != nil {
		panic(err)
	}
	defer fake.Close()

	for _, key := range []string{"", "$aact_prod_123", fake.Credentials().APIKey} {
		req, _ := http.NewRequest("GET", fake.BaseURL()+"/customers", nil)
		req.Header.Set("User-Agent", "my-app")
		if key != "" {
			req.Header.Set("access_token", key)
		}
		resp, err := fake.Client().Do(req)
		if err != nil {
			panic(err)
		}
		var body struct {
			Errors []struct{ Code string } `json:"errors"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if len(body.Errors) > 0 {
			fmt.Println(resp.StatusCode, body.Errors[0].Code)
		} else {
			fmt.Println(resp.StatusCode)
		}
	}
	// Output:
	// 401 access_token_not_found
	// 401 invalid_environment
	// 200
}

func ExampleNewBankingAPI() {
	fake, err := providertest.NewBankingAPI(nil)
	if err != nil {
		panic(err)
	}
	defer fake.Close()

	cr := fake.Credentials()
	body := fmt.Sprintf(`{"client_id":%q,"client_secret":%q,"grant_type":"client_credentials"}`, cr.ClientID, cr.ClientSecret)
	post := func(c *http.Client) {
		resp, err := c.Post(fake.TokenURL(), "application/json", strings.NewReader(body))
		if err != nil {
			fmt.Println("handshake failed")
			return
		}
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, m["token_type"], m["error"])
	}
	post(fake.Client()) // no client certificate
	post(fake.ClientWithCertificate(fake.ClientCertificate().TLS))
	fake.DenyAllIPs()
	post(fake.ClientWithCertificate(fake.ClientCertificate().TLS))
	// Output:
	// handshake failed
	// 200 Bearer <nil>
	// 403 <nil> forbidden
}

func ExampleServer_FailNext() {
	fake, err := providertest.NewSoPague(providertest.SoPagueGateway, nil)
	if err != nil {
		panic(err)
	}
	defer fake.Close()

	fake.FailNext(1, http.StatusTooManyRequests, 30*time.Second)
	fake.FailNext(1, http.StatusServiceUnavailable, 0)
	cr := fake.Credentials()
	body := fmt.Sprintf(`{"userName":%q,"password":%q}`, cr.UserName, cr.Password)
	for range 3 {
		req, _ := http.NewRequestWithContext(context.Background(), "POST", fake.TokenURL(), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := fake.Client().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Output:
	// 429 Retry-After="30"
	// 503 Retry-After=""
	// 200 Retry-After=""
}
