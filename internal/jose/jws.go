package jose

import (
	"encoding/base64"
	"strings"
)

var b64Strict = base64.RawURLEncoding.Strict()

// Split finds the two dots of a compact JWS of three segments, of which
// only the payload may be empty (RFC 7515 §7.1; a JWT's or a DPoP proof's
// is then refused as not a JSON object).
// Go's base64 decoder, strict as it is, skips CR and LF, so those are
// refused here; every other byte outside the base64url alphabet is refused
// by Decode.
func Split(tok string) (dot1, dot2 int, err error) {
	if strings.IndexByte(tok, '\n') >= 0 || strings.IndexByte(tok, '\r') >= 0 {
		return 0, 0, ErrLineBreak
	}
	dot1 = strings.IndexByte(tok, '.')
	if dot1 < 0 {
		return 0, 0, ErrSegments
	}
	dot2 = strings.IndexByte(tok[dot1+1:], '.')
	if dot2 < 0 || strings.IndexByte(tok[dot1+1+dot2+1:], '.') >= 0 {
		return 0, 0, ErrSegments
	}
	dot2 += dot1 + 1
	if dot1 == 0 || dot2 == len(tok)-1 {
		return 0, 0, ErrEmptySegment
	}
	return dot1, dot2, nil
}

// Compact is a compact JWS, split and decoded, not verified.
type Compact struct {
	// Header and Payload are decoded; Payload follows Header in the
	// buffer, so that one conversion to string holds both.
	Header, Payload []byte
	Signature       []byte
	// SigningInput is header.payload as the token carries it.
	SigningInput []byte
}

// DecodedLen is the size of the buffer Decode needs for tok: at most twice
// its length.
func DecodedLen(tok string) int { return b64Strict.DecodedLen(len(tok)) + 2 + len(tok) }

// Decode splits tok (see Split) and decodes its three segments into buf,
// when it holds DecodedLen(tok) bytes, else into a new buffer. The result
// points into that buffer.
func Decode(tok string, buf []byte) (Compact, error) {
	var c Compact
	dot1, dot2, err := Split(tok)
	if err != nil {
		return c, err
	}
	if n := DecodedLen(tok); len(buf) < n {
		buf = make([]byte, n)
	}
	hn, pn, sn := b64Strict.DecodedLen(dot1), b64Strict.DecodedLen(dot2-dot1-1), b64Strict.DecodedLen(len(tok)-dot2-1)
	buf = buf[:hn+pn+sn+len(tok)]
	raw := buf[hn+pn+sn:]
	copy(raw, tok)
	hl, err := b64Strict.Decode(buf, raw[:dot1])
	if err != nil {
		return c, ErrHeaderB64
	}
	pl, err := b64Strict.Decode(buf[hl:hl+pn], raw[dot1+1:dot2])
	if err != nil {
		return c, ErrPayloadB64
	}
	sl, err := b64Strict.Decode(buf[hn+pn:hn+pn+sn], raw[dot2+1:])
	if err != nil {
		return c, ErrSignatureB64
	}
	c.Header, c.Payload = buf[:hl], buf[hl:hl+pl]
	c.Signature = buf[hn+pn : hn+pn+sl]
	c.SigningInput = raw[:dot2]
	return c, nil
}
