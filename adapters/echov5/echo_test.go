package echoauth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"
	"go.uber.org/goleak"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echov5"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

func TestRequire(t *testing.T) {
	alice := &inbound.Principal{Subject: "alice"}
	tests := []struct {
		name    string
		v       inbound.Validator
		status  int
		reached bool
		want    *inbound.Principal
	}{
		{"accepted", inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return alice, nil }), 200, true, alice},
		{"accepted, nobody", inbound.UserAgent(), 200, true, nil},
		{"refused", inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return nil, errors.New("store down") }), 500, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := middleware.New(tt.v, nil)
			if err != nil {
				t.Fatal(err)
			}
			reached := false
			e := echo.New()
			e.Use(echoauth.Require(g))
			e.GET("/", func(c *echo.Context) error {
				reached = true
				p, ok := echoauth.Principal(c)
				if p != tt.want || ok != (tt.want != nil) {
					t.Errorf("Principal = %v, %v; want %v", p, ok, tt.want)
				}
				if p2, _ := inbound.FromContext(c.Request().Context()); p2 != tt.want {
					t.Errorf("request context holds %v, want %v", p2, tt.want)
				}
				if v := c.Get(echoauth.PrincipalKey); tt.want != nil && v != tt.want {
					t.Errorf("c.Get = %v", v)
				}
				return c.NoContent(http.StatusOK)
			})
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("User-Agent", "app/1")
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			if w.Code != tt.status || reached != tt.reached {
				t.Errorf("status %d, reached %v; want %d, %v", w.Code, reached, tt.status, tt.reached)
			}
		})
	}
}

func TestPrincipalWithoutRequire(t *testing.T) {
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
	if p, ok := echoauth.Principal(c); ok || p != nil {
		t.Errorf("Principal = %v, %v on a bare context", p, ok)
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
