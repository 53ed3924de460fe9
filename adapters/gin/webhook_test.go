package ginauth_test

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

	"github.com/gin-gonic/gin"

	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// TestWebhookBodyReachesHandler: over a real server, the body that
// inbound.StandardWebhook read and verified is what gin's binding reads in
// the handler; a tampered delivery never reaches it.
func TestWebhookBodyReachesHandler(t *testing.T) {
	gin.SetMode(gin.TestMode)
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("a webhook secret of 32 bytes....."))
	v, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{Secrets: map[string]string{"s": secret}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Type string }
	var id string
	e := gin.New()
	e.Use(ginauth.Require(g))
	e.POST("/hooks", func(c *gin.Context) {
		if err := c.ShouldBindJSON(&got); err != nil {
			c.Status(http.StatusUnprocessableEntity)
			return
		}
		p, _ := ginauth.Principal(c)
		id = p.ID
		c.Status(http.StatusOK)
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	if status := sendWebhook(t, srv, "a webhook secret of 32 bytes.....", "msg_gin", `{"type":"invoice.paid"}`); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got.Type != "invoice.paid" || id != "msg_gin" {
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
