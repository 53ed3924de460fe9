package echoauth_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// TestWebhookBodyReachesHandler: over a real server, the body that
// inbound.StandardWebhook read and verified is what echo's Bind reads in the
// handler; a tampered delivery never reaches it.
func TestWebhookBodyReachesHandler(t *testing.T) {
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("a webhook secret of 32 bytes....."))
	v, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{Secrets: map[string]string{"s": secret}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Type string `json:"type"`
	}
	var id string
	e := echo.New()
	e.Use(echoauth.Require(g))
	e.POST("/hooks", func(c echo.Context) error {
		if err := c.Bind(&got); err != nil {
			return c.NoContent(http.StatusUnprocessableEntity)
		}
		p, _ := echoauth.Principal(c)
		id = p.ID
		return c.NoContent(http.StatusOK)
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	if status := sendWebhook(t, srv, "a webhook secret of 32 bytes.....", "msg_echo", `{"type":"invoice.paid"}`); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got.Type != "invoice.paid" || id != "msg_echo" {
		t.Fatalf("handler bound %+v, id %q", got, id)
	}
	if status := sendWebhook(t, srv, "another secret, also 32 bytes...", "msg_2", `{"type":"x"}`); status != 401 {
		t.Fatalf("another secret: status %d", status)
	}
}

// sendWebhook posts body to srv's /hooks signed as Standard Webhooks v1
// with key, and returns the status.
func sendWebhook(t *testing.T, srv *httptest.Server, key, id, body string) int {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(id + "." + ts + "." + body))
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/hooks", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
