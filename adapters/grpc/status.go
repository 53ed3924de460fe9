package grpcauth

import (
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// Code returns the gRPC status code for an HTTP status of an
// *inbound.Error: 400 InvalidArgument, 401 Unauthenticated, 403
// PermissionDenied, 413 ResourceExhausted, 503 Unavailable, anything else
// Internal.
func Code(httpStatus int) codes.Code {
	switch httpStatus {
	case http.StatusBadRequest:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusRequestEntityTooLarge:
		return codes.ResourceExhausted
	case http.StatusServiceUnavailable:
		return codes.Unavailable
	}
	return codes.Internal
}

// refusal renders err, the Guard's refusal of r, as a gRPC status and the
// trailer metadata to send with it. The Guard renders it as it would over
// HTTP (so the challenges, their realm and sanitising are the same); its
// status becomes the gRPC code, its stable code and description the
// message, its WWW-Authenticate and DPoP-Nonce headers trailer metadata.
func refusal(g *middleware.Guard, r *http.Request, err error) (*status.Status, metadata.MD) {
	w := &headerWriter{h: make(http.Header, 4)}
	g.WriteError(w, r, err)
	code, desc := middleware.CodeInternalError, "internal server error"
	// The Guard rendered e itself exactly when the status is e's: anything
	// else it answered with a generic 500 whose cause must stay secret.
	if e, ok := inbound.AsError(err); ok && e != nil && e.Status == w.status {
		code, desc = e.Code, e.Description
	}
	msg := code
	if desc != "" {
		msg += ": " + desc
	}
	var md metadata.MD
	if v := w.h.Values("WWW-Authenticate"); len(v) > 0 {
		md = metadata.MD{TrailerChallenge: v}
	}
	if n := w.h.Get("DPoP-Nonce"); n != "" {
		if md == nil {
			md = metadata.MD{}
		}
		md[TrailerDPoPNonce] = []string{n}
	}
	return status.New(Code(w.status), msg), md
}

// TrailerChallenge is the trailer metadata key of the WWW-Authenticate
// challenges that an HTTP server would send with the same refusal (RFC 6750
// §3, RFC 9449 §7.1). Clients read it with grpc.Trailer.
const TrailerChallenge = "www-authenticate"

// TrailerDPoPNonce is the trailer metadata key of the DPoP nonce a server
// demands (RFC 9449 §9), sent with a use_dpop_nonce refusal.
const TrailerDPoPNonce = "dpop-nonce"

// headerWriter is the http.ResponseWriter the Guard renders a refusal to:
// only the status and the headers are kept.
type headerWriter struct {
	h      http.Header
	status int
}

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
