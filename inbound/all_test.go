package inbound_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

func TestAll(t *testing.T) {
	alice := &inbound.Principal{Subject: "alice"}
	bob := &inbound.Principal{Subject: "bob"}
	refuse := &inbound.Error{Status: 401, Code: inbound.CodeInvalidToken}
	other := &inbound.Error{Status: 400, Code: inbound.CodeUserAgentRequired}

	var calls []string
	v := func(name string, p *inbound.Principal, err error) inbound.Validator {
		return inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) {
			calls = append(calls, name)
			return p, err
		})
	}
	tests := []struct {
		name       string
		validators []inbound.Validator
		want       *inbound.Principal
		wantErr    error
		internal   bool // an error that is not an *inbound.Error
		wantCalls  string
	}{
		{name: "first non-nil principal", validators: []inbound.Validator{v("a", nil, nil), v("b", alice, nil), v("c", bob, nil)}, want: alice, wantCalls: "abc"},
		{name: "all nil principals", validators: []inbound.Validator{v("a", nil, nil), v("b", nil, nil)}, wantCalls: "ab"},
		{name: "first error stops", validators: []inbound.Validator{v("a", alice, nil), v("b", nil, refuse), v("c", nil, other)}, wantErr: refuse, wantCalls: "ab"},
		{name: "error first", validators: []inbound.Validator{v("a", nil, other), v("b", alice, nil)}, wantErr: other, wantCalls: "a"},
		{name: "no validators fails closed", validators: nil, internal: true},
		{name: "nil validator fails closed", validators: []inbound.Validator{v("a", alice, nil), nil}, internal: true, wantCalls: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = nil
			p, err := inbound.All(tt.validators...).Validate(httptest.NewRequest(http.MethodGet, "/", nil))
			got := ""
			for _, c := range calls {
				got += c
			}
			if got != tt.wantCalls {
				t.Errorf("calls = %q, want %q", got, tt.wantCalls)
			}
			switch {
			case tt.internal:
				if _, ok := inbound.AsError(err); err == nil || ok || p != nil {
					t.Fatalf("got %v, %v; want a plain error", p, err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) || p != nil {
					t.Fatalf("got %v, %v; want %v", p, err, tt.wantErr)
				}
			default:
				if err != nil || p != tt.want {
					t.Fatalf("got %v, %v; want %v", p, err, tt.want)
				}
			}
		})
	}
}

func TestAllCopiesItsArguments(t *testing.T) {
	ok := inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return nil, nil })
	vs := []inbound.Validator{ok}
	a := inbound.All(vs...)
	vs[0] = nil
	if _, err := a.Validate(httptest.NewRequest(http.MethodGet, "/", nil)); err != nil {
		t.Fatalf("All kept the caller's slice: %v", err)
	}
}
