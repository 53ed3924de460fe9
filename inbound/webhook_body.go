package inbound

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
)

// replayBody is the body a validator that read the request's body puts
// back: the same bytes, for the handler.
type replayBody struct{ bytes.Reader }

// Close implements io.Closer; the bytes stay readable from the start by
// a new reader (see readBody), so there is nothing to release.
func (*replayBody) Close() error { return nil }

// readBody reads r.Body, at most limit bytes, and puts back a body with the
// same bytes so that the handler reads what was verified. A declared
// Content-Length over limit is refused before anything is read; a body
// without one (chunked) is refused as soon as one byte more than limit has
// arrived. The buffer is sized from Content-Length, so a body of declared
// length costs one allocation.
func readBody(r *http.Request, limit int64) ([]byte, *Error) {
	if r.ContentLength > limit {
		return nil, bodyTooLarge(limit)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	size := int64(512)
	if r.ContentLength >= 0 {
		size = r.ContentLength + 1 // room to see EOF without growing
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, bodyTooLarge(limit)
			}
			// Double, but never past one byte over the limit.
			grow := int(min(int64(len(buf)), limit+1-int64(len(buf))))
			buf = slices.Grow(buf, grow)
			buf = buf[: len(buf) : len(buf)+grow]
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
				return nil, bodyTooLarge(limit)
			}
			return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidWebhookRequest,
				Description: "the request body cannot be read", Err: err}
		}
	}
	if int64(len(buf)) > limit {
		return nil, bodyTooLarge(limit)
	}
	rb := &replayBody{}
	rb.Reset(buf)
	r.Body = rb
	r.ContentLength = int64(len(buf))
	return buf, nil
}

func bodyTooLarge(limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeWebhookBodyTooLarge,
		Description: "the request body is larger than " + strconv.FormatInt(limit, 10) + " bytes"}
}
