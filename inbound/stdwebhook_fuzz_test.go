package inbound

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzWebhookSignatureHeader fuzzes the webhook-signature parser: it never
// panics, keeps at most 32 entries, and every entry it keeps is the decoding
// of an entry of the header, whose version it names.
func FuzzWebhookSignatureHeader(f *testing.F) {
	sig32 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	sig64 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 64))
	for _, s := range []string{"", "v1," + sig32, "v1a," + sig64, "v1," + sig32 + " v1a," + sig64, "v2,abc v1,!!", "  v1,  ", "v1," + sig32[:43], strings.Repeat("v1,x ", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		var sigs webhookSigs
		ok := parseSignatureHeader(h, &sigs)
		if !ok {
			if sigs.n != 0 && len(h) > maxSignatureHeaderLen {
				t.Fatalf("refused header kept %d entries", sigs.n)
			}
			return
		}
		if sigs.n > maxSignatureEntries {
			t.Fatalf("%d entries", sigs.n)
		}
		for i := range sigs.n {
			s := &sigs.entries[i]
			var entry string
			switch s.version {
			case sigV1:
				entry = "v1," + base64.StdEncoding.EncodeToString(s.sig[:32])
			case sigV1a:
				entry = "v1a," + base64.StdEncoding.EncodeToString(s.sig[:64])
			default:
				t.Fatalf("entry %d has version %d", i, s.version)
			}
			if !strings.Contains(" "+h+" ", " "+entry+" ") {
				t.Fatalf("entry %q is not in the header %q", entry, h)
			}
		}
	})
}

// FuzzStandardWebhook fuzzes the three headers and the body through
// Validate: it never panics, and every refusal is one of the documented
// codes with its status and no challenge.
func FuzzStandardWebhook(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	secret := bytes.Repeat([]byte{0x42}, 24)
	v, err := StandardWebhook(StandardWebhookOptions{
		Secrets: map[string]string{"s": "whsec_" + base64.StdEncoding.EncodeToString(secret)},
		Now:     func() time.Time { return now },
		MaxBody: 64,
	})
	if err != nil {
		f.Fatal(err)
	}
	want := map[string]int{
		CodeInvalidWebhookRequest:      400,
		CodeInvalidWebhookSignature:    401,
		CodeWebhookTimestampOutOfRange: 401,
		CodeWebhookBodyTooLarge:        413,
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	f.Add("msg_1", ts, "v1,"+base64.StdEncoding.EncodeToString(make([]byte, 32)), []byte("{}"))
	f.Add("", "", "", []byte(nil))
	f.Add("m", "01", "v1a,xx", bytes.Repeat([]byte("a"), 100))
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header["Webhook-Id"] = []string{id}
		r.Header["Webhook-Timestamp"] = []string{ts}
		r.Header["Webhook-Signature"] = []string{sig}
		p, err := v.Validate(r)
		if err == nil {
			if p == nil || p.ID != id {
				t.Fatalf("accepted with Principal %+v", p)
			}
			return
		}
		e, ok := AsError(err)
		if !ok || want[e.Code] != e.Status || e.Challenge != ChallengeNone {
			t.Fatalf("unexpected refusal %v", err)
		}
		if len(sig) > 8 && strings.Contains(err.Error(), sig) {
			t.Fatalf("the error shows the signature header: %v", err)
		}
	})
}
