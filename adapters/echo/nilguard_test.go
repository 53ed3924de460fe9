package echoauth_test

import (
	"fmt"
	"strings"
	"testing"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// TestRequireNilGuardPanics checks that a nil Guard (what middleware.New
// returns with its error) fails at the call, naming the cause, instead of
// answering every request 500.
func TestRequireNilGuardPanics(t *testing.T) {
	defer func() {
		v := recover()
		if v == nil {
			t.Fatal("Require(nil) did not panic")
		}
		msg := fmt.Sprint(v)
		for _, want := range []string{"echoauth:", "nil *middleware.Guard", "middleware.New"} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q does not mention %q", msg, want)
			}
		}
	}()
	var g *middleware.Guard
	echoauth.Require(g)
}
