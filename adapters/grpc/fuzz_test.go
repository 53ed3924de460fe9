package grpcauth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// FuzzRequestView: any metadata a client sends becomes the view's headers
// under their canonical keys (pseudo-headers and binary metadata left out),
// without a panic.
func FuzzRequestView(f *testing.F) {
	f.Add("authorization", "Bearer x", "access_token", "$aact_prod_1")
	f.Add(":authority", "api.example.com", "x-trace-bin", "\x00")
	f.Add("user-agent", "", "Authorization", "a\r\nb")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		var view *http.Request
		g, err := middleware.New(inbound.ValidatorFunc(func(r *http.Request) (*inbound.Principal, error) {
			view = r
			return nil, nil
		}), nil)
		if err != nil {
			t.Fatal(err)
		}
		md := metadata.MD{}
		md[k1] = append(md[k1], v1)
		md[k2] = append(md[k2], v2)
		ctx := metadata.NewIncomingContext(context.Background(), md)
		if _, err := grpcauth.UnaryServerInterceptor(g)(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/a.B/C"},
			func(context.Context, any) (any, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{k1, k2} {
			// grpc lowercases the keys (strings.ToLower, which also turns
			// invalid UTF-8 into U+FFFD).
			lk := strings.ToLower(k)
			if lk == "" || lk[0] == ':' || strings.HasSuffix(lk, "-bin") {
				continue
			}
			if len(view.Header.Values(lk)) == 0 {
				t.Errorf("metadata %q missing from the view's headers %v", k, view.Header)
			}
		}
		if view.Method != http.MethodPost || view.URL.Path != "/a.B/C" {
			t.Errorf("view %s %s", view.Method, view.URL.Path)
		}
	})
}
