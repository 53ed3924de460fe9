package inbound

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A strict JSON reader for JOSE headers and JWT claims (RFC 8259 as RFC 7515
// §5.2 and RFC 7519 §7.2 read it). Unlike encoding/json it matches member
// names exactly (case-sensitively), refuses invalid UTF-8 and lone surrogate
// escapes instead of replacing them with U+FFFD, and refuses duplicate member
// names, so that no two verifiers can read one token two ways. Values come out
// as encoding/json would decode them into an any: map[string]any, []any,
// string, float64, bool and nil.
//
// It is also several times faster than encoding/json: one pass, no
// reflection, and strings without escapes are substrings of one copy of the
// input.

// maxJSONDepth bounds nesting. Claims nest a few levels at most; the bound
// keeps a hostile token from recursing deeply.
const maxJSONDepth = 64

// Errors of the strict reader. They never quote the input.
var (
	errJSONSyntax    = errors.New("inbound: invalid JSON")
	errJSONUTF8      = errors.New("inbound: JSON string is not valid UTF-8")
	errJSONDuplicate = errors.New("inbound: duplicate JSON member name")
	errJSONDepth     = errors.New("inbound: JSON nested too deeply")
	errJSONNumber    = errors.New("inbound: JSON number out of range")
	errJSONNotObject = errors.New("inbound: JSON value is not an object")
	errJSONType      = errors.New("inbound: JOSE header member of the wrong type")
)

// jsonReader reads one JSON text held in s.
type jsonReader struct {
	s     string
	pos   int
	depth int
	// reg receives the top-level members the validator reads when capture
	// is set. A value, not a pointer: escape analysis would move a pointed-to
	// registered to the heap.
	reg     registered
	capture bool
}

// joseHeader is the part of a JOSE header the validator acts on. Other
// members (jwk, jku, x5u, x5c, …) are read strictly and then ignored.
type joseHeader struct {
	alg, kid, typ string
	hasAlg, crit  bool
}

// parseHeader reads a protected header. alg, kid and typ must be strings when
// present.
func parseHeader(b string) (joseHeader, error) {
	var h joseHeader
	r := jsonReader{s: b}
	var seen [8]string
	names := seen[:0]
	err := r.object(func(name string) error {
		for _, n := range names {
			if n == name {
				return errJSONDuplicate
			}
		}
		names = append(names, name)
		var dst *string
		switch name {
		case "alg":
			dst, h.hasAlg = &h.alg, true
		case "kid":
			dst = &h.kid
		case "typ":
			dst = &h.typ
		case "crit":
			h.crit = true
		}
		if dst == nil {
			return r.skip()
		}
		r.space()
		if r.pos >= len(r.s) || r.s[r.pos] != '"' {
			return errJSONType
		}
		s, err := r.str()
		*dst = s
		return err
	})
	return h, err
}

// parseJSONObject reads a JSON object: a JWT claims set, a JWK Set.
func parseJSONObject(b string) (map[string]any, error) {
	m, _, err := readObject(b, false)
	return m, err
}

// parseClaims reads a JWT claims set and the registered claims the
// validator reads.
func parseClaims(b string) (map[string]any, registered, error) { return readObject(b, true) }

func readObject(b string, capture bool) (map[string]any, registered, error) {
	r := jsonReader{s: b, capture: capture}
	r.space()
	if r.pos >= len(r.s) || r.s[r.pos] != '{' {
		return nil, registered{}, errJSONNotObject
	}
	v, err := r.value()
	if err != nil {
		return nil, registered{}, err
	}
	if err := r.end(); err != nil {
		return nil, registered{}, err
	}
	return v.(map[string]any), r.reg, nil
}

// object reads a top-level object, calling member with each name; member
// must consume the value. It then requires the end of the input.
func (r *jsonReader) object(member func(name string) error) error {
	r.space()
	if r.pos >= len(r.s) || r.s[r.pos] != '{' {
		return errJSONNotObject
	}
	r.pos++
	if err := r.members(member); err != nil {
		return err
	}
	return r.end()
}

// members reads the members of an object after its '{', up to and including
// its '}'.
func (r *jsonReader) members(member func(name string) error) error {
	r.space()
	if r.pos < len(r.s) && r.s[r.pos] == '}' {
		r.pos++
		return nil
	}
	for {
		r.space()
		if r.pos >= len(r.s) || r.s[r.pos] != '"' {
			return errJSONSyntax
		}
		name, err := r.str()
		if err != nil {
			return err
		}
		r.space()
		if r.pos >= len(r.s) || r.s[r.pos] != ':' {
			return errJSONSyntax
		}
		r.pos++
		if err := member(name); err != nil {
			return err
		}
		r.space()
		if r.pos >= len(r.s) {
			return errJSONSyntax
		}
		switch r.s[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return nil
		default:
			return errJSONSyntax
		}
	}
}

// end requires that nothing but white space follows.
func (r *jsonReader) end() error {
	r.space()
	if r.pos != len(r.s) {
		return errJSONSyntax
	}
	return nil
}

func (r *jsonReader) space() {
	for r.pos < len(r.s) {
		switch r.s[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// skip reads and discards one value, as strictly as value.
func (r *jsonReader) skip() error {
	_, err := r.value()
	return err
}

// value reads one value.
func (r *jsonReader) value() (any, error) {
	r.space()
	if r.pos >= len(r.s) {
		return nil, errJSONSyntax
	}
	switch c := r.s[r.pos]; {
	case c == '"':
		return r.str()
	case c == '{':
		return r.obj()
	case c == '[':
		return r.arr()
	case c == '-' || '0' <= c && c <= '9':
		return r.num()
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	}
	return nil, errJSONSyntax
}

func (r *jsonReader) literal(lit string) error {
	if len(r.s)-r.pos < len(lit) || r.s[r.pos:r.pos+len(lit)] != lit {
		return errJSONSyntax
	}
	r.pos += len(lit)
	return nil
}

func (r *jsonReader) enter() error {
	r.depth++
	if r.depth > maxJSONDepth {
		return errJSONDepth
	}
	return nil
}

func (r *jsonReader) obj() (any, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.pos++ // '{'
	m := make(map[string]any)
	err := r.members(func(name string) error {
		v, err := r.value()
		if err != nil {
			return err
		}
		// A duplicate is found by the insertion itself: one hash of the
		// name, not a lookup and then an insertion.
		n := len(m)
		if m[name] = v; len(m) == n {
			return errJSONDuplicate
		}
		if r.capture && r.depth == 1 {
			r.reg.capture(name, v)
		}
		return nil
	})
	r.depth--
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (r *jsonReader) arr() (any, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.pos++ // '['
	a := []any{}
	r.space()
	if r.pos < len(r.s) && r.s[r.pos] == ']' {
		r.pos++
		r.depth--
		return a, nil
	}
	for {
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		r.space()
		if r.pos >= len(r.s) {
			return nil, errJSONSyntax
		}
		switch r.s[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			r.depth--
			return a, nil
		default:
			return nil, errJSONSyntax
		}
	}
}

// num reads a number as float64, refusing what RFC 8259's grammar refuses
// (leading zeros, "+", ".5", "1.") and values beyond float64's range.
func (r *jsonReader) num() (any, error) {
	start := r.pos
	neg := r.s[r.pos] == '-'
	if neg {
		r.pos++
	}
	intStart := r.pos
	integer, ok := r.numberGrammar()
	if !ok {
		return nil, errJSONSyntax
	}
	// Integers of up to 15 digits are exact in a float64: the common case
	// (NumericDates) skips strconv.
	if integer && r.pos-intStart <= 15 {
		var n int64
		for i := intStart; i < r.pos; i++ {
			n = n*10 + int64(r.s[i]-'0')
		}
		if neg {
			return -float64(n), nil // -0 stays -0, as strconv reads it
		}
		return float64(n), nil
	}
	f, err := strconv.ParseFloat(r.s[start:r.pos], 64)
	if err != nil {
		return nil, errJSONNumber
	}
	return f, nil
}

// numberGrammar reads int [frac] [exp] after the sign; integer is false when
// frac or exp is present.
func (r *jsonReader) numberGrammar() (integer, ok bool) {
	if r.pos < len(r.s) && r.s[r.pos] == '0' {
		r.pos++
	} else if !r.digits() {
		return false, false
	}
	integer = true
	if r.pos < len(r.s) && r.s[r.pos] == '.' {
		r.pos++
		if !r.digits() {
			return false, false
		}
		integer = false
	}
	if r.pos < len(r.s) && (r.s[r.pos] == 'e' || r.s[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.s) && (r.s[r.pos] == '+' || r.s[r.pos] == '-') {
			r.pos++
		}
		if !r.digits() {
			return false, false
		}
		integer = false
	}
	return integer, true
}

// digits reads one or more decimal digits.
func (r *jsonReader) digits() bool {
	start := r.pos
	for r.pos < len(r.s) && '0' <= r.s[r.pos] && r.s[r.pos] <= '9' {
		r.pos++
	}
	return r.pos > start
}

// str reads a string at r.pos (a '"'). Without escapes, the result is a
// substring of the input and costs no allocation.
func (r *jsonReader) str() (string, error) {
	r.pos++ // '"'
	start := r.pos
	for r.pos < len(r.s) {
		c := r.s[r.pos]
		switch {
		case c == '"':
			s := r.s[start:r.pos]
			r.pos++
			return s, nil
		case c == '\\':
			return r.escaped(start)
		case c < 0x20:
			return "", errJSONSyntax
		case c < utf8.RuneSelf:
			r.pos++
		default:
			ru, size := utf8.DecodeRuneInString(r.s[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				return "", errJSONUTF8
			}
			r.pos += size
		}
	}
	return "", errJSONSyntax
}

// escaped finishes a string that holds escapes, from its first escape on.
func (r *jsonReader) escaped(start int) (string, error) {
	b := make([]byte, 0, r.pos-start+16)
	b = append(b, r.s[start:r.pos]...)
	for r.pos < len(r.s) {
		c := r.s[r.pos]
		switch {
		case c == '"':
			r.pos++
			return string(b), nil
		case c == '\\':
			var err error
			if b, err = r.escape(b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", errJSONSyntax
		case c < utf8.RuneSelf:
			b = append(b, c)
			r.pos++
		default:
			ru, size := utf8.DecodeRuneInString(r.s[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				return "", errJSONUTF8
			}
			b = append(b, r.s[r.pos:r.pos+size]...)
			r.pos += size
		}
	}
	return "", errJSONSyntax
}

// escape appends the character of the escape at r.pos (a '\\') to b.
func (r *jsonReader) escape(b []byte) ([]byte, error) {
	if r.pos+1 >= len(r.s) {
		return nil, errJSONSyntax
	}
	c := r.s[r.pos+1]
	r.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(b, c), nil
	case 'b':
		return append(b, '\b'), nil
	case 'f':
		return append(b, '\f'), nil
	case 'n':
		return append(b, '\n'), nil
	case 'r':
		return append(b, '\r'), nil
	case 't':
		return append(b, '\t'), nil
	case 'u':
	default:
		return nil, errJSONSyntax
	}
	ru, ok := r.hex4()
	if !ok {
		return nil, errJSONSyntax
	}
	if utf16.IsSurrogate(ru) {
		// Only a high surrogate followed by an escaped low one is a
		// character; anything else is not UTF-8 text.
		if ru >= 0xdc00 || len(r.s)-r.pos < 6 || r.s[r.pos] != '\\' || r.s[r.pos+1] != 'u' {
			return nil, errJSONUTF8
		}
		r.pos += 2
		lo, ok := r.hex4()
		if !ok {
			return nil, errJSONSyntax
		}
		if ru = utf16.DecodeRune(ru, lo); ru == utf8.RuneError {
			return nil, errJSONUTF8
		}
	}
	return utf8.AppendRune(b, ru), nil
}

// hex4 reads the four hex digits of a \u escape.
func (r *jsonReader) hex4() (rune, bool) {
	if len(r.s)-r.pos < 4 {
		return 0, false
	}
	var ru rune
	for i := range 4 {
		c := r.s[r.pos+i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		ru = ru<<4 | rune(c)
	}
	r.pos += 4
	return ru, true
}
