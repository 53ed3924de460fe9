package selftest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"
)

// curlHeader matches one -H argument of a printed curl line, in single
// quotes or (to expand a variable) double quotes.
var curlHeader = regexp.MustCompile(`-H (?:'([^']*)'|"([^"]*)")`)

// CheckServerMode runs serve (an example's server mode) until it has printed
// its curl lines, sends each line's request as curl would (curl sends a
// User-Agent) and checks that it is answered 200, then stops serve. It is
// the test that the lines a user is told to paste work.
func CheckServerMode(serve func(ctx context.Context, w io.Writer) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := serve(ctx, pw)
		pw.CloseWithError(fmt.Errorf("server mode ended: %v", err))
		done <- err
	}()
	var curls []string
	sc := bufio.NewScanner(pr)
	for len(curls) < 2 && sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "curl ") {
			curls = append(curls, line)
		}
	}
	var err error
	if len(curls) < 2 {
		err = fmt.Errorf("server mode printed %d curl lines, want 2 (%v)", len(curls), sc.Err())
	}
	for _, line := range curls {
		if err == nil {
			err = runCurl(ctx, line)
		}
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if serr := <-done; serr != nil && err == nil {
		err = fmt.Errorf("server mode: %w", serr)
	}
	return err
}

// runCurl sends the GET a printed curl line describes: its single-quoted
// -H headers and its last word as the URL.
func runCurl(ctx context.Context, line string) error {
	fields := strings.Fields(line)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fields[len(fields)-1], nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "curl/8")
	for _, m := range curlHeader.FindAllStringSubmatch(line, -1) {
		h := m[1]
		if m[2] != "" {
			h = os.ExpandEnv(m[2]) // as the shell would
		}
		name, value, ok := strings.Cut(h, ": ")
		if !ok {
			return fmt.Errorf("curl line has a malformed header %q", h)
		}
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return nil
}
