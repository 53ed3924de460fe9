package inbound_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
)

var (
	whNow     = time.Unix(1_700_000_000, 0)
	whSecret  = bytes.Repeat([]byte{0x42}, 24)
	whSecret2 = bytes.Repeat([]byte{0x17}, 32)
	whEdPriv  = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
)

func whsec(b []byte) string { return "whsec_" + base64.StdEncoding.EncodeToString(b) }

func whpk(k ed25519.PrivateKey) string {
	return "whpk_" + base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

// signV1 is the v1 signature entry, computed with crypto/hmac.
func signV1(key []byte, id, ts string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func signV1a(k ed25519.PrivateKey, id, ts string, body []byte) string {
	msg := append([]byte(id+"."+ts+"."), body...)
	return "v1a," + base64.StdEncoding.EncodeToString(ed25519.Sign(k, msg))
}

func newStdWebhook(t testing.TB, mod func(*inbound.StandardWebhookOptions)) inbound.Validator {
	t.Helper()
	o := inbound.StandardWebhookOptions{
		Secrets:    map[string]string{"old": whsec(whSecret), "new": whsec(whSecret2)},
		PublicKeys: map[string]string{"ed": whpk(whEdPriv)},
		Now:        func() time.Time { return whNow },
		MaxBody:    1024,
	}
	if mod != nil {
		mod(&o)
	}
	v, err := inbound.StandardWebhook(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type whReq struct {
	id, ts, sig string
	body        []byte
	noID        bool
}

func (w whReq) request() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/hooks", bytes.NewReader(w.body))
	if !w.noID {
		r.Header.Set("webhook-id", w.id)
	}
	if w.ts != "" {
		r.Header.Set("webhook-timestamp", w.ts)
	}
	if w.sig != "" {
		r.Header.Set("webhook-signature", w.sig)
	}
	return r
}

func TestStandardWebhook(t *testing.T) {
	v := newStdWebhook(t, nil)
	body := []byte(`{"type":"invoice.paid"}`)
	ts := strconv.FormatInt(whNow.Unix(), 10)
	good := signV1(whSecret, "msg_1", ts, body)
	good2 := signV1(whSecret2, "msg_1", ts, body)
	goodEd := signV1a(whEdPriv, "msg_1", ts, body)
	flipped := func(entry string) string {
		ver, b64, _ := strings.Cut(entry, ",")
		raw, _ := base64.StdEncoding.DecodeString(b64)
		raw[0] ^= 1
		return ver + "," + base64.StdEncoding.EncodeToString(raw)
	}
	cases := []struct {
		name    string
		req     whReq
		mod     func(*http.Request)
		status  int
		code    string
		keyID   string
		wantErr string // part of the description
	}{
		{name: "v1", req: whReq{id: "msg_1", ts: ts, sig: good, body: body}, keyID: "old"},
		{name: "v1 second secret (rotation)", req: whReq{id: "msg_1", ts: ts, sig: good2, body: body}, keyID: "new"},
		{name: "v1a", req: whReq{id: "msg_1", ts: ts, sig: goodEd, body: body}, keyID: "ed"},
		{name: "several signatures, the good one last", req: whReq{id: "msg_1", ts: ts, sig: flipped(good) + " " + flipped(goodEd) + " " + good, body: body}, keyID: "old"},
		{name: "garbage entries skipped", req: whReq{id: "msg_1", ts: ts, sig: "v2,abc v1,!!! v1,AAAA junk v1a,xyz  " + good, body: body}, keyID: "old"},
		{name: "padding stripped is unreadable", req: whReq{id: "msg_1", ts: ts, sig: strings.TrimRight(good, "="), body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "flipped v1", req: whReq{id: "msg_1", ts: ts, sig: flipped(good), body: body}, status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "flipped v1a", req: whReq{id: "msg_1", ts: ts, sig: flipped(goodEd), body: body}, status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "other body", req: whReq{id: "msg_1", ts: ts, sig: good, body: []byte(`{"type":"invoice.void"}`)}, status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "other id", req: whReq{id: "msg_2", ts: ts, sig: good, body: body}, status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "v1 signature labelled v1a", req: whReq{id: "msg_1", ts: ts, sig: "v1a," + strings.TrimPrefix(good, "v1,"), body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "empty body signed", req: whReq{id: "msg_1", ts: ts, sig: signV1(whSecret, "msg_1", ts, nil)}, keyID: "old"},
		{name: "no id", req: whReq{noID: true, ts: ts, sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "empty id", req: whReq{id: "", ts: ts, sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "id with a space", req: whReq{id: "msg 1", ts: ts, sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "id too long", req: whReq{id: strings.Repeat("a", 257), ts: ts, sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "no timestamp", req: whReq{id: "msg_1", sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "no signature", req: whReq{id: "msg_1", ts: ts, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "timestamp with sign", req: whReq{id: "msg_1", ts: "+" + ts, sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "timestamp with leading zero", req: whReq{id: "msg_1", ts: "0" + ts, sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "timestamp not numeric", req: whReq{id: "msg_1", ts: "1700000000.5", sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "timestamp negative", req: whReq{id: "msg_1", ts: "-5", sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "timestamp huge", req: whReq{id: "msg_1", ts: "99999999999999999999", sig: good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "timestamp 6 min old", req: whReq{id: "msg_1", ts: strconv.FormatInt(whNow.Unix()-360, 10), sig: good, body: body}, status: 401, code: inbound.CodeWebhookTimestampOutOfRange},
		{name: "timestamp 6 min ahead", req: whReq{id: "msg_1", ts: strconv.FormatInt(whNow.Unix()+360, 10), sig: good, body: body}, status: 401, code: inbound.CodeWebhookTimestampOutOfRange},
		{name: "timestamp 0", req: whReq{id: "msg_1", ts: "0", sig: good, body: body}, status: 401, code: inbound.CodeWebhookTimestampOutOfRange},
		{name: "only unknown versions", req: whReq{id: "msg_1", ts: ts, sig: "v2,abc v0,def", body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "33 entries", req: whReq{id: "msg_1", ts: ts, sig: strings.Repeat("x ", 32) + good, body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "header over 8 KiB", req: whReq{id: "msg_1", ts: ts, sig: good + strings.Repeat(" ", 8<<10), body: body}, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "signature header twice", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { r.Header.Add("webhook-signature", good) }, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "id header twice", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { r.Header.Add("webhook-id", "msg_1") }, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "body over MaxBody", req: whReq{id: "msg_1", ts: ts, sig: good, body: make([]byte, 1025)}, status: 413, code: inbound.CodeWebhookBodyTooLarge},
		{name: "body exactly MaxBody", req: whReq{id: "msg_1", ts: ts, sig: signV1(whSecret, "msg_1", ts, make([]byte, 1024)), body: make([]byte, 1024)}, keyID: "old"},
		{name: "body read before", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { _, _ = io.ReadAll(r.Body) }, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "chunked body read before", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { _, _ = io.ReadAll(r.Body); r.ContentLength = -1 }, status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "body shorter than declared", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { r.ContentLength++ }, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "body longer than declared: only the declared bytes count", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { r.ContentLength-- }, status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "body closed before", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { r.Body = errBody{} }, status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "chunked body", req: whReq{id: "msg_1", ts: ts, sig: good, body: body},
			mod: func(r *http.Request) { r.ContentLength = -1; r.Body = io.NopCloser(iotestOneByte(body)) }, keyID: "old"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.req.request()
			if c.mod != nil {
				c.mod(r)
			}
			p, err := v.Validate(r)
			if c.code == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if p.Scheme != inbound.SchemeWebhook || p.KeyID != c.keyID || p.ID != c.req.id || p.Subject != "webhook" {
					t.Fatalf("Principal %+v", p)
				}
				got, _ := io.ReadAll(r.Body)
				if !bytes.Equal(got, c.req.body) {
					t.Fatalf("handler reads %q, want the verified %q", got, c.req.body)
				}
				return
			}
			e, ok := inbound.AsError(err)
			if !ok || e.Status != c.status || e.Code != c.code || e.Challenge != inbound.ChallengeNone {
				t.Fatalf("got %v (%+v), want %d %s without challenge", err, e, c.status, c.code)
			}
			if s := err.Error(); strings.Contains(s, strings.TrimPrefix(c.req.sig, "v1,")) && c.req.sig != "" {
				t.Fatalf("the error shows the signature: %s", s)
			}
		})
	}
}

type errBody struct{}

func (errBody) Read([]byte) (int, error) { return 0, errors.New("http: invalid Read on closed Body") }
func (errBody) Close() error             { return nil }

// iotestOneByte returns a reader that returns one byte per Read, as a slow,
// chunked body arrives.
func iotestOneByte(b []byte) io.Reader { return &oneByte{b: b} }

type oneByte struct{ b []byte }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(o.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0], o.b = o.b[0], o.b[1:]
	return 1, nil
}

// countingBody counts the bytes read from an endless body.
type countingBody struct{ n int64 }

func (c *countingBody) Read(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
func (c *countingBody) Close() error { return nil }

// TestStandardWebhookBodyLimit: a body over MaxBody is refused without
// reading past the limit: nothing at all when Content-Length says so, at
// most one byte more when the body is chunked.
func TestStandardWebhookBodyLimit(t *testing.T) {
	v := newStdWebhook(t, nil)
	ts := strconv.FormatInt(whNow.Unix(), 10)
	for _, c := range []struct {
		name     string
		length   int64
		maxRead  int64
		wantCode string
	}{
		{"declared too long", 1 << 30, 0, inbound.CodeWebhookBodyTooLarge},
		{"chunked endless", -1, 1025, inbound.CodeWebhookBodyTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := &countingBody{}
			r := whReq{id: "m", ts: ts, sig: signV1(whSecret, "m", ts, nil)}.request()
			r.Body, r.ContentLength = body, c.length
			_, err := v.Validate(r)
			if e, ok := inbound.AsError(err); !ok || e.Code != c.wantCode || e.Status != 413 {
				t.Fatalf("got %v", err)
			}
			if body.n > c.maxRead {
				t.Fatalf("read %d bytes, want at most %d", body.n, c.maxRead)
			}
		})
	}
	t.Run("outer MaxBytesReader", func(t *testing.T) {
		r := whReq{id: "m", ts: ts, sig: signV1(whSecret, "m", ts, nil), body: make([]byte, 100)}.request()
		r.ContentLength = -1
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 10)
		_, err := v.Validate(r)
		if e, ok := inbound.AsError(err); !ok || e.Code != inbound.CodeWebhookBodyTooLarge {
			t.Fatalf("got %v", err)
		}
	})
}

func TestStandardWebhookConfig(t *testing.T) {
	short := whsec(make([]byte, 8))
	for _, c := range []struct {
		name string
		o    inbound.StandardWebhookOptions
		want []string
	}{
		{"nothing", inbound.StandardWebhookOptions{}, []string{"no Secrets and no PublicKeys"}},
		{"no prefix", inbound.StandardWebhookOptions{Secrets: map[string]string{"a": base64.StdEncoding.EncodeToString(whSecret)}}, []string{`secret "a" does not start with whsec_`}},
		{"bad base64", inbound.StandardWebhookOptions{Secrets: map[string]string{"a": "whsec_!!!"}}, []string{`secret "a" is not base64`}},
		{"short", inbound.StandardWebhookOptions{Secrets: map[string]string{"a": short}}, []string{`secret "a" is shorter than 16 bytes`}},
		{"small-order key", inbound.StandardWebhookOptions{PublicKeys: map[string]string{"k": "whpk_" + base64.StdEncoding.EncodeToString(make([]byte, 32))}}, []string{"small order"}},
		{"short key", inbound.StandardWebhookOptions{PublicKeys: map[string]string{"k": "whpk_AAAA"}}, []string{"wrong length"}},
		{"tolerance and body", inbound.StandardWebhookOptions{Secrets: map[string]string{"a": whsec(whSecret)}, Tolerance: 2 * time.Hour, MaxBody: -1},
			[]string{"Tolerance 2h0m0s out of range", "negative MaxBody"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := inbound.StandardWebhook(c.o)
			if !errors.Is(err, inbound.ErrInvalidConfig) {
				t.Fatalf("got %v, want ErrInvalidConfig", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), base64.StdEncoding.EncodeToString(whSecret)) {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

// TestStandardWebhookDefaultTolerance: 0 means five minutes, either way.
func TestStandardWebhookDefaultTolerance(t *testing.T) {
	v := newStdWebhook(t, nil)
	for _, d := range []int64{-300, 300} {
		ts := strconv.FormatInt(whNow.Unix()+d, 10)
		if _, err := v.Validate(whReq{id: "m", ts: ts, sig: signV1(whSecret, "m", ts, nil)}.request()); err != nil {
			t.Errorf("%+d s: %v", d, err)
		}
	}
}

// TestStandardWebhookSecretLengths: the precomputed pads match crypto/hmac
// for secrets shorter than, equal to and longer than SHA-256's block (a
// longer one is hashed first).
func TestStandardWebhookSecretLengths(t *testing.T) {
	ts := strconv.FormatInt(whNow.Unix(), 10)
	body := []byte(`{"n":1}`)
	for _, n := range []int{16, 63, 64, 65, 200} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			key := bytes.Repeat([]byte{byte(n)}, n)
			v := newStdWebhook(t, func(o *inbound.StandardWebhookOptions) {
				o.Secrets, o.PublicKeys = map[string]string{"k": whsec(key)}, nil
			})
			if _, err := v.Validate(whReq{id: "m", ts: ts, sig: signV1(key, "m", ts, body), body: body}.request()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
