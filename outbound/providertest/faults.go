package providertest

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"
)

type faultKind int

const (
	faultFail faultKind = iota
	faultGarbage
	faultHang
)

type fault struct {
	kind       faultKind
	n          int
	status     int
	retryAfter time.Duration
}

// SetLatency changes the delay of token-endpoint responses (of API
// responses on Asaas). Zero removes it.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = max(d, 0)
	s.mu.Unlock()
}

// FailNext makes the next n token requests (API requests on Asaas) fail
// with status and the provider's error body, and with a Retry-After header
// of whole seconds (rounded up) when retryAfter is positive. A status
// outside 400-599 means 503. Injected faults (FailNext, GarbageNext,
// HangNext) queue up and are served in the order they were added.
func (s *Server) FailNext(n int, status int, retryAfter time.Duration) {
	if status < 400 || status > 599 {
		status = http.StatusServiceUnavailable
	}
	s.addFault(fault{kind: faultFail, n: n, status: status, retryAfter: retryAfter})
}

// GarbageNext makes the next n token requests (API requests on Asaas)
// answer the success status with a body that is not valid JSON.
func (s *Server) GarbageNext(n int) { s.addFault(fault{kind: faultGarbage, n: n}) }

// HangNext makes the next n token requests (API requests on Asaas) block
// until the request's context ends or the server closes, without answering.
func (s *Server) HangNext(n int) { s.addFault(fault{kind: faultHang, n: n}) }

func (s *Server) addFault(f fault) {
	if f.n <= 0 {
		return
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

func (s *Server) takeFault() (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return fault{}, false
	}
	f := s.faults[0]
	s.faults[0].n--
	if s.faults[0].n == 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

// delay waits for the configured latency; false means the wait was cut
// short and the request should get no answer.
func (s *Server) delay(ctx context.Context) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closed:
	}
	return false
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f fault) {
	switch f.kind {
	case faultHang:
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		abortResponse()
	case faultGarbage:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.p.successStatus)
		_, _ = io.WriteString(w, `{"access_token": "truncated`)
	case faultFail:
		if f.retryAfter > 0 {
			secs := (f.retryAfter + time.Second - 1) / time.Second
			w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
		}
		code := "server_error"
		if f.status == http.StatusTooManyRequests {
			code = "too_many_requests"
		}
		s.p.writeError(w, f.status, code, "falha injetada pelo providertest: "+http.StatusText(f.status))
	}
}

// abortResponse ends a held request with no answer at all: the connection
// is closed without a status line. Returning from the handler instead would
// send an implicit empty 200, which a client that cancelled at the same
// instant can still read as a success (net/http's transport returns a
// response that arrives while it is tearing the connection down).
func abortResponse() { panic(http.ErrAbortHandler) }
