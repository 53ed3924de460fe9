package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore/pgtest"
)

// selftest creates keys, serves them, sends requests and checks the answers,
// printing one line per check and a verdict line (PASS: or FAIL:). Without
// a connection string it starts a throwaway PostgreSQL (pgtest).
func selftest(ctx context.Context, dsn string, w io.Writer) (err error) {
	defer func() {
		if err != nil {
			fmt.Fprintln(w, "FAIL:", err)
		} else {
			fmt.Fprintln(w, "PASS: keys created, listed, accepted, refused and revoked as expected")
		}
	}()
	if dsn == "" {
		srv, err := pgtest.Start()
		if err != nil {
			return err
		}
		defer srv.Close()
		dsn = srv.URL()
	}
	store, closeStore, err := open(ctx, dsn, &pgstore.Options{Table: "gatehouse_api_keys_selftest"})
	if err != nil {
		return err
	}
	defer closeStore()
	subject := "selftest-" + fmt.Sprint(time.Now().UnixNano())
	prod, err := store.Create(ctx, pgstore.Key{ID: subject + "-prod", Subject: subject, Prefix: "$aact_prod_", Environment: "production"})
	if err != nil {
		return err
	}
	sandbox, err := store.Create(ctx, pgstore.Key{Subject: subject, Prefix: "$aact_hmlg_", Environment: "sandbox"})
	if err != nil {
		return err
	}
	var listing strings.Builder
	if err := list(ctx, store, subject, &listing); err != nil {
		return err
	}
	if n := strings.Count(listing.String(), "\n"); n != 2 || strings.Contains(listing.String(), prod) {
		return fmt.Errorf("list shows %d keys (want 2), or a key", n)
	}
	fmt.Fprintf(w, "ok   list shows 2 keys by prefix and last four characters\n")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- serve(sctx, store, ln) }()
	defer func() { cancel(); <-served }()
	base := "http://" + ln.Addr().String() + "/v3/payments"

	broken := []byte(prod)
	broken[len(broken)-1] ^= 1 // another checksum
	checks := []struct {
		name, key, ua string
		status        int
		code          string
	}{
		{"production key", prod, "selftest/1.0", 200, ""},
		{"sandbox key on the production API", sandbox, "selftest/1.0", 401, "invalid_environment"},
		{"wrong checksum", string(broken), "selftest/1.0", 401, "invalid_access_token_format"},
		{"no User-Agent", prod, "", 400, "user_agent_required"},
	}
	for _, c := range checks {
		if err := expect(ctx, base, c.key, c.ua, c.status, c.code); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		fmt.Fprintf(w, "ok   %-36s %d %s\n", c.name, c.status, c.code)
	}
	if err := store.Revoke(ctx, subject+"-prod"); err != nil {
		return err
	}
	// Watch makes the cache forget the key: poll, with a generous bound.
	deadline := time.Now().Add(10 * time.Second)
	for expect(ctx, base, prod, "selftest/1.0", 401, "invalid_access_token") != nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("the revoked key is still accepted after 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Fprintf(w, "ok   %-36s %d %s\n", "revoked key", 401, "invalid_access_token")
	return nil
}

// expect sends one request and checks the status and the error code.
func expect(ctx context.Context, url, key, ua string, status int, code string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("access_token", key)
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	if status != http.StatusOK {
		_ = json.NewDecoder(resp.Body).Decode(&body)
	}
	got := ""
	if len(body.Errors) > 0 {
		got = body.Errors[0].Code
	}
	if resp.StatusCode != status || got != code {
		return fmt.Errorf("got %d %q, want %d %q", resp.StatusCode, got, status, code)
	}
	return nil
}
