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

// Close implements io.Closer; there is nothing to release.
func (*replayBody) Close() error { return nil }

// readBody reads r.Body, at most limit bytes, and puts back rb over the same
// bytes, so that the handler reads exactly what was verified (rb is the
// caller's, so that it can share an allocation).
//
// A declared Content-Length over limit is refused before anything is read;
// a body of declared length is read into a buffer of that length, allocated
// at once up to 32 KiB and grown as bytes arrive beyond (net/http
// never delivers more than the declared length, and of a request built by
// hand that declares less than its body holds, only the declared bytes are
// verified and seen by the handler); a body shorter than declared is 400. A
// body without a declared length (chunked) is refused as soon as one byte
// more than limit has arrived.
func readBody(r *http.Request, limit int64, rb *replayBody) ([]byte, *Error) {
	if r.ContentLength > limit {
		return nil, bodyTooLarge(limit)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	var buf []byte
	var err error
	switch {
	case r.ContentLength >= 0 && r.ContentLength <= eagerBody:
		buf = make([]byte, r.ContentLength)
		if _, err = io.ReadFull(r.Body, buf); err == io.ErrUnexpectedEOF || (err == io.EOF && len(buf) > 0) {
			return nil, webhookRequestError("the request body is shorter than its Content-Length")
		}
	case r.ContentLength > eagerBody:
		// A larger declared length is a claim, not bytes: the buffer grows
		// as they arrive, so a client that declares a megabyte and sends
		// nothing holds no megabyte of this server's memory.
		buf, err = readUndeclared(io.LimitReader(r.Body, r.ContentLength), r.ContentLength)
		if err == nil && int64(len(buf)) < r.ContentLength {
			return nil, webhookRequestError("the request body is shorter than its Content-Length")
		}
	default:
		buf, err = readUndeclared(r.Body, limit)
	}
	if err != nil {
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) || err == errBodyTooLarge {
			return nil, bodyTooLarge(limit)
		}
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidWebhookRequest,
			Description: "the request body cannot be read", Err: err}
	}
	rb.Reset(buf)
	r.Body = rb
	r.ContentLength = int64(len(buf))
	return buf, nil
}

var errBodyTooLarge = errors.New("inbound: body over the limit")

// eagerBody is the largest declared body length read into a buffer
// allocated at once; a longer one is read into a buffer that grows with the
// bytes that arrive.
const eagerBody = 32 << 10

// readUndeclared reads a body of unknown length, at most limit bytes, and
// fails with errBodyTooLarge as soon as one byte more has arrived.
func readUndeclared(body io.Reader, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(512, limit+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, errBodyTooLarge
			}
			// Double, but never past one byte over the limit.
			grow := int(min(int64(len(buf)), limit+1-int64(len(buf))))
			buf = slices.Grow(buf, grow)
			buf = buf[: len(buf) : len(buf)+grow]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > limit {
		return nil, errBodyTooLarge
	}
	return buf, nil
}

func bodyTooLarge(limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeWebhookBodyTooLarge,
		Description: "the request body is larger than " + strconv.FormatInt(limit, 10) + " bytes"}
}
