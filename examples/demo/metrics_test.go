package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// TestMetricsPage: the loopback /metrics page serves gatehouse's
// instruments in the Prometheus text format.
func TestMetricsPage(t *testing.T) {
	tel, err := newTelemetry()
	if err != nil {
		t.Fatal(err)
	}
	defer tel.close()
	if !strings.HasPrefix(tel.addr, "http://127.0.0.1:") {
		t.Errorf("address %s is not loopback", tel.addr)
	}
	tel.jwt(inbound.JWTOptions{}).OnCache(true) // one cache hit
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, tel.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `gatehouse_jwt_cache_total{result="hit"} 1`) {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
	http.DefaultClient.CloseIdleConnections()
}
