package inbound_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// webhookBenchRequest is a 4 KiB Standard Webhooks delivery, and a function
// that rewinds its body for the next iteration.
func webhookBenchRequest(b *testing.B) (*http.Request, func()) {
	body := bytes.Repeat([]byte(`{"k":"v"},`), 410)[:4096]
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/hooks", nil)
	r.Header.Set("webhook-id", "msg_2bVqCzHkvNf1bOqHp0QeVqQ4HLd")
	r.Header.Set("webhook-timestamp", ts)
	r.Header.Set("webhook-signature", signV1(whSecret, "msg_2bVqCzHkvNf1bOqHp0QeVqQ4HLd", ts, body))
	rd := bytes.NewReader(body)
	rc := io.NopCloser(rd)
	rewind := func() {
		rd.Reset(body)
		r.Body, r.ContentLength = rc, int64(len(body))
	}
	return r, rewind
}

// BenchmarkStandardWebhookV1 verifies a v1 signature over a 4 KiB body,
// beside BenchmarkStandardWebhookFloor (reading the body and one
// HMAC-SHA256 of it); the target is at most 1.1 times the floor.
func BenchmarkStandardWebhookV1(b *testing.B) {
	v, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{Secrets: map[string]string{"s": whsec(whSecret)}})
	if err != nil {
		b.Fatal(err)
	}
	r, rewind := webhookBenchRequest(b)
	b.SetBytes(4096)
	b.ReportAllocs()
	for b.Loop() {
		rewind()
		if _, err := v.Validate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStandardWebhookFloor is what any verifier must do: read the body
// into a buffer of its length, compute one HMAC-SHA256 over id, timestamp
// and body, and compare.
func BenchmarkStandardWebhookFloor(b *testing.B) {
	r, rewind := webhookBenchRequest(b)
	want := []byte("0123456789abcdef0123456789abcdef")
	prefix := []byte(r.Header.Get("webhook-id") + "." + r.Header.Get("webhook-timestamp") + ".")
	b.SetBytes(4096)
	b.ReportAllocs()
	for b.Loop() {
		rewind()
		body := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			b.Fatal(err)
		}
		m := hmac.New(sha256.New, whSecret)
		m.Write(prefix)
		m.Write(body)
		var sum [32]byte
		if hmac.Equal(m.Sum(sum[:0]), want) {
			b.Fatal("equal")
		}
	}
}
