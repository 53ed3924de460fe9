package outbound

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// A Token call that finds the just-published token already stale, before
// the flight that fetched it has returned, starts a refresh: the flight ends
// (under the Source's lock) as its token becomes visible.
func TestSourceRefreshNotSkippedRightAfterPublish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newClock()
		f := &countingFetcher{clk: clk, life: time.Hour}
		var src *Source
		var once sync.Once
		src = NewSource(f, &SourceOptions{Now: clk.Now, OnFetch: func(ev FetchEvent) {
			if ev.Phase != FetchSucceeded || !ev.Background {
				return
			}
			once.Do(func() {
				// tok-2 is visible; its flight has not returned. Into
				// tok-2's stale window, and ask.
				clk.Advance(56 * time.Minute)
				if tok, err := src.Token(context.Background()); err != nil || tok.Value != "tok-2" {
					t.Errorf("in the window: %v, %v", tok, err)
				}
			})
		}})
		ctx := context.Background()
		if _, err := src.Token(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(56 * time.Minute) // tok-1 stale
		if tok, _ := src.Token(ctx); tok.Value != "tok-1" {
			t.Fatalf("got %s", tok.Value)
		}
		synctest.Wait()
		if got := f.calls.Load(); got != 3 {
			t.Fatalf("fetches = %d, want 3: the stale tok-2 seen in the window must be refreshed", got)
		}
		if tok, _ := src.Token(ctx); tok.Value != "tok-3" {
			t.Fatalf("got %s, want tok-3", tok.Value)
		}
	})
}

// The zero Source fails with a clear error and never panics.
func TestZeroSource(t *testing.T) {
	var s Source
	if _, err := s.Token(context.Background()); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "NewSource") {
		t.Fatalf("err = %v, want ErrInvalidConfig naming NewSource", err)
	}
	s.Invalidate(Token{Value: "x"})
	_ = s.Stats()
	var closed atomic.Int64
	req, _ := http.NewRequest(http.MethodPost, "http://api.example/", &trackedBody{Reader: strings.NewReader("b"), closed: &closed})
	_, err := Chain(roundTripFunc(func(*http.Request) (*http.Response, error) {
		t.Fatal("sent")
		return nil, nil
	}), Bearer(&s)).RoundTrip(req)
	if !errors.Is(err, ErrInvalidConfig) || closed.Load() != 1 {
		t.Fatalf("Bearer over a zero Source: err = %v, body closed %d times", err, closed.Load())
	}
}

// Bad fetcher configuration is found by Validate, at once and in full, and a
// Source over it never fetches.
func TestFetcherValidate(t *testing.T) {
	tests := []struct {
		name string
		f    interface {
			Fetcher
			Validate() error
		}
		want []string // every problem, reported together
	}{
		{"client credentials, empty", &ClientCredentials{}, []string{"TokenURL is required", "ClientID is required"}},
		{"client credentials, relative URL", &ClientCredentials{TokenURL: "/oauth/token", ClientID: "id"}, []string{"TokenURL must be an absolute"}},
		{"client credentials, blank id", &ClientCredentials{TokenURL: "https://a/t", ClientID: " "}, []string{"ClientID is required"}},
		{"JSON fetcher, empty", &JSONFetcher{}, []string{"URL is required", "TokenField is required"}},
		{"JSON fetcher, ftp URL", &JSONFetcher{URL: "ftp://a/t", TokenField: "t"}, []string{"URL must be an absolute"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Validate = %v, want ErrInvalidConfig", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, want it to say %q", err, w)
				}
			}
			src := NewSource(tt.f, nil)
			if _, err := src.Token(context.Background()); !errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrUnavailable) {
				t.Fatalf("Token = %v, want ErrInvalidConfig", err)
			}
			if st := src.Stats(); st.Fetches != 0 {
				t.Fatalf("fetches = %d, want 0", st.Fetches)
			}
		})
	}
	for _, ok := range []Fetcher{
		&ClientCredentials{TokenURL: "https://a/t", ClientID: "id"},
		&JSONFetcher{URL: "http://127.0.0.1:8080/auth", TokenField: "token"},
	} {
		if err := ok.(interface{ Validate() error }).Validate(); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	if _, err := NewSource(nil, nil).Token(context.Background()); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("nil Fetcher: %v", err)
	}
}

func TestFetchPhaseString(t *testing.T) {
	for p, want := range map[FetchPhase]string{FetchStarted: "started", FetchSucceeded: "succeeded", FetchFailed: "failed", 7: "FetchPhase(7)"} {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(p), got, want)
		}
	}
}
