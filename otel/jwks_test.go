package gatehouseotel_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
)

// roundTripper answers without a network, so that the key set's timers run
// in a synctest bubble.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func jwkSet(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	pub, err := k.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"keys":[{"kty":"EC","crv":"P-256","kid":"es-1","use":"sig","alg":"ES256","x":%q,"y":%q}]}`,
		b64(pub[1:33]), b64(pub[33:]))
}

// TestJWKS: the first fetch of a key set fails, the retry a second later
// succeeds; gatehouse.jwks.fetches says so, and the user's OnFetch still
// runs.
func TestJWKS(t *testing.T) {
	set := jwkSet(t)
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		var calls atomic.Int64
		client := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			status, body := http.StatusOK, set
			if calls.Add(1) == 1 {
				status, body = http.StatusServiceUnavailable, "down"
			}
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})}
		var userFetches atomic.Int64
		ks, err := inbound.JWKS("http://127.0.0.1/jwks.json", h.tel.JWKS(&inbound.JWKSOptions{
			Client: client, OnFetch: func(inbound.JWKSFetch) { userFetches.Add(1) }}))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second) // the retry comes after 1 s
		synctest.Wait()
		if err := ks.Close(); err != nil {
			t.Fatal(err)
		}
		equalMaps(t, gatehouseotel.JWKSFetches, counter(t, h.collect(t), gatehouseotel.JWKSFetches), map[string]int64{
			"outcome=failure": 1,
			"outcome=success": 1,
		})
		if n := userFetches.Load(); n != 2 || calls.Load() != 2 {
			t.Errorf("the user's OnFetch ran %d times, %d requests; want 2 each", n, calls.Load())
		}
	})
}
