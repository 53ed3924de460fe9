package presettest

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// GetMany sends n concurrent GETs of url with client and fails t unless each
// is answered with status want. It returns the last body read.
func GetMany(t testing.TB, client *http.Client, url string, n, want int) string {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var last string
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(url)
			if err != nil {
				t.Errorf("GET %s: %v", url, err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != want {
				t.Errorf("GET %s: status %d, want %d: %s", url, resp.StatusCode, want, b)
			}
			mu.Lock()
			last = string(b)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return last
}

// NoSecret fails t if any formatting of v, or logging it with slog's JSON
// and text handlers, shows one of the secrets.
func NoSecret(t testing.TB, v any, secrets ...string) {
	t.Helper()
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "v", v)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "v", v)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "log"} {
		s := logged.String()
		if verb != "log" {
			s = fmt.Sprintf(verb, v)
		}
		for _, secret := range secrets {
			if secret != "" && strings.Contains(s, secret) {
				t.Errorf("%s of %T shows a secret: %s", verb, v, s)
			}
		}
	}
}
