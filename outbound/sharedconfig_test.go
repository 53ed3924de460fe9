package outbound_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// badStore is a Store that reports a configuration error of its own.
type badStore struct{ outbound.Store }

var errBadStore = errors.New("badstore: bad")

func (badStore) Validate() error { return errBadStore }

// Shared never panics on a bad configuration: it returns a Fetcher whose
// Fetch and Validate report every problem at once, wrapping
// ErrInvalidConfig, and a Source above it returns that error.
func TestSharedInvalidConfig(t *testing.T) {
	p := &provider{life: time.Hour}
	st := outbound.MemoryStore()
	tests := []struct {
		name  string
		f     outbound.Fetcher
		st    outbound.Store
		key   string
		opts  *outbound.SharedOptions
		wants []string // in the error, each
	}{
		{"nil fetcher", nil, st, "k", nil, []string{"nil Fetcher"}},
		{"nil store", p, nil, "k", nil, []string{"nil Store"}},
		{"empty key", p, st, "", nil, []string{"empty key"}},
		{"short key", p, st, "k", &outbound.SharedOptions{EncryptionKey: make([]byte, 16)}, []string{"16 bytes"}},
		{"negative", p, st, "k", &outbound.SharedOptions{LeaseTTL: -1, StoreTimeout: -1}, []string{"LeaseTTL is negative", "StoreTimeout is negative"}},
		{"store's own", p, badStore{st}, "k", nil, []string{"badstore: bad"}},
		{"all at once", nil, nil, "", &outbound.SharedOptions{EncryptionKey: []byte("x"), RefreshAhead: -1},
			[]string{"nil Fetcher", "nil Store", "empty key", "1 bytes", "RefreshAhead is negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := outbound.Shared(tt.f, tt.st, tt.key, tt.opts) // must not panic
			_, err := f.Fetch(t.Context())
			verr := f.(interface{ Validate() error }).Validate()
			_, serr := outbound.NewSource(f, nil).Token(t.Context())
			for name, err := range map[string]error{"Fetch": err, "Validate": verr, "Source.Token": serr} {
				if !errors.Is(err, outbound.ErrInvalidConfig) && !errors.Is(err, errBadStore) {
					t.Fatalf("%s: %v, want ErrInvalidConfig", name, err)
				}
				for _, w := range tt.wants {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: %q does not report %q", name, err, w)
					}
				}
				if !strings.HasPrefix(err.Error(), "outbound: ") && !strings.HasPrefix(err.Error(), "badstore: ") {
					t.Errorf("%s: %q does not start with the package name", name, err)
				}
			}
			if p.n.Load() != 0 {
				t.Fatal("an invalid Shared fetched")
			}
			if s := fmt.Sprintf("%v %+v", f, f); !strings.Contains(s, "outbound.Shared{") {
				t.Errorf("printed as %q", s)
			}
		})
	}
}
