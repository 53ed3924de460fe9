package jose

// Error is a refusal of the reader or the decoder: a constant, so that
// errors.Is finds it and nothing can change it. It never quotes the input.
// Callers wrap it in their own package's errors.
type Error string

// Error returns the refusal's text.
func (e Error) Error() string { return string(e) }

// Errors of the strict JSON reader, and of Split and Decode by segment.
const (
	ErrSyntax    Error = "invalid JSON"
	ErrUTF8      Error = "JSON string is not valid UTF-8"
	ErrDuplicate Error = "duplicate JSON member name"
	ErrDepth     Error = "JSON nested too deeply"
	ErrNumber    Error = "JSON number out of range"
	ErrNotObject Error = "JSON value is not an object"
	ErrType      Error = "JOSE header member of the wrong type"
	ErrBudget    Error = "JSON holds more members than allowed before the signature is checked"

	ErrSegments     Error = "not three segments"
	ErrEmptySegment Error = "an empty header or signature"
	ErrLineBreak    Error = "a line break in a segment"
	ErrHeaderB64    Error = "the header is not strict base64url"
	ErrPayloadB64   Error = "the payload is not strict base64url"
	ErrSignatureB64 Error = "the signature is not strict base64url"
)
