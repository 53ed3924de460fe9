package inbound_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// TestStandardWebhookJunkV1aEntriesBounded: every v1a entry costs an
// Ed25519 check that hashes the whole body again, so only the first four of
// a header are tried against each key. A good signature behind four junk
// ones is not reached (a rotation needs two); in front of them it is.
func TestStandardWebhookJunkV1aEntriesBounded(t *testing.T) {
	v := newStdWebhook(t, func(o *inbound.StandardWebhookOptions) { o.Secrets = nil })
	id, ts, body := "msg_1", strconv.FormatInt(whNow.Unix(), 10), []byte(`{"a":1}`)
	good := signV1a(whEdPriv, id, ts, body)
	junk := func(n int) string {
		s := make([]string, n)
		for i := range s {
			sig := make([]byte, 64)
			sig[0] = byte(i + 1)
			s[i] = "v1a," + base64.StdEncoding.EncodeToString(sig)
		}
		return strings.Join(s, " ")
	}
	for _, tt := range []struct {
		name, sig string
		ok        bool
	}{
		{"good first", good + " " + junk(31), true},
		{"good fourth", junk(3) + " " + good, true},
		{"good fifth", junk(4) + " " + good, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Validate(whReq{id: id, ts: ts, sig: tt.sig, body: body}.request())
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want accepted %t", err, tt.ok)
			}
		})
	}
}

// firstRead records the size of the first buffer a body is read into.
type firstRead struct{ n int }

func (f *firstRead) Read(p []byte) (int, error) {
	if f.n == 0 {
		f.n = len(p)
	}
	return 0, errors.New("client gone")
}

// TestStandardWebhookDeclaredLengthNotPreallocated: a request that declares
// a large body and sends none holds no buffer of the declared size (an idle
// connection per megabyte would otherwise pin the server's memory before any
// signature is checked).
func TestStandardWebhookDeclaredLengthNotPreallocated(t *testing.T) {
	v := newStdWebhook(t, func(o *inbound.StandardWebhookOptions) { o.MaxBody = 1 << 20 })
	id, ts := "msg_1", strconv.FormatInt(whNow.Unix(), 10)
	body := &firstRead{}
	r := httptest.NewRequest(http.MethodPost, "/hooks", body)
	r.ContentLength = 1 << 20
	r.Header.Set("webhook-id", id)
	r.Header.Set("webhook-timestamp", ts)
	r.Header.Set("webhook-signature", signV1(whSecret, id, ts, nil))
	if _, err := v.Validate(r); err == nil {
		t.Fatal("a body that cannot be read was accepted")
	}
	if body.n > 64<<10 {
		t.Fatalf("the first read asked for %d bytes of a body not yet sent", body.n)
	}
}
