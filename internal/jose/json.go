package jose

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The one strict JSON reader of gatehouse, for JOSE headers, JWT claims,
// DPoP proofs and JWK Sets (RFC 8259 as RFC 7515 §5.2 and RFC 7519 §7.2
// read it). Unlike encoding/json it matches member
// names exactly (case-sensitively), refuses invalid UTF-8 and lone surrogate
// escapes instead of replacing them with U+FFFD, and refuses duplicate member
// names, so that no two verifiers can read one token two ways. Values come out
// as encoding/json would decode them into an any: map[string]any, []any,
// string, float64, bool and nil.
//
// It is also several times faster than encoding/json: one pass, no
// reflection, and strings without escapes are substrings of one copy of the
// input.

// MaxDepth bounds nesting. Claims nest a few levels at most; the bound keeps
// a hostile token from recursing deeply.
const MaxDepth = 64

// Budgets bound the work a parse may do, counted in values read (every
// member value and array element is one; an object or array costs
// containerCost more, for the map or slice it allocates). The budget of a
// parse of input whose signature has not been checked is a small constant,
// so that a forged token costs what an ordinary one does, whatever it holds.
const (
	// HeaderBudget bounds a JOSE header (a JWT's, a DPoP proof's with its
	// jwk) and a DPoP proof's claims. It allows 64 members of a flat header.
	HeaderBudget = 64
	// ClaimsBudget bounds the claims of a JWT read before its signature is
	// checked: a typical access token (Keycloak's, Entra ID's) fits. A
	// larger claims set is read again in full once its signature holds.
	ClaimsBudget = 128
	// Unbounded is the budget of a parse of trusted or authenticated input;
	// its size is bounded elsewhere.
	Unbounded = math.MaxInt

	containerCost = 4
)

// jsonReader reads one JSON text held in s.
type jsonReader struct {
	s      string
	pos    int
	depth  int
	budget int // values left to read
	// reg receives the top-level registered claims when capture is set. A
	// value, not a pointer: escape analysis would move a pointed-to
	// Registered to the heap.
	reg     Registered
	capture bool
}

// Header is the part of a JOSE header a verifier acts on. Other members
// (jwk, jku, x5u, x5c, …) are read strictly and then ignored.
type Header struct {
	Alg, Kid, Typ string
	HasAlg, Crit  bool
}

// ParseHeader reads a JWT's protected header within HeaderBudget. alg, kid
// and typ must be strings when present.
func ParseHeader(b string) (Header, error) {
	var h Header
	r := jsonReader{s: b, budget: HeaderBudget}
	var names nameSet
	err := r.object(func(name string) error {
		if !names.add(name) {
			return ErrDuplicate
		}
		var dst *string
		switch name {
		case "alg":
			dst, h.HasAlg = &h.Alg, true
		case "kid":
			dst = &h.Kid
		case "typ":
			dst = &h.Typ
		case "crit":
			h.Crit = true
		}
		if dst == nil {
			return r.skip()
		}
		if err := r.count(0); err != nil {
			return err
		}
		r.space()
		if r.pos >= len(r.s) || r.s[r.pos] != '"' {
			return ErrType
		}
		s, err := r.str()
		*dst = s
		return err
	})
	return h, err
}

// nameSet finds duplicate member names of a header in linear time and
// without allocation: the first eight names in an array, the rest (the
// budget allows at most HeaderBudget) in a small open-addressing table.
type nameSet struct {
	few   [8]string
	n     int
	more  [HeaderBudget]string
	m     int
	index [2 * HeaderBudget]uint8 // 1 + the name's place in more; 0 = free
}

// add reports whether name is new.
func (s *nameSet) add(name string) bool {
	for _, n := range s.few[:s.n] {
		if n == name {
			return false
		}
	}
	if s.n < len(s.few) {
		s.few[s.n] = name
		s.n++
		return true
	}
	if s.m == len(s.more) {
		return false // unreachable within HeaderBudget
	}
	// FNV-1a, then linear probing: a crafted collision costs a probe per
	// name already held, at most HeaderBudget.
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	for i := h % uint32(len(s.index)); ; i = (i + 1) % uint32(len(s.index)) {
		if s.index[i] == 0 {
			s.more[s.m] = name
			s.m++
			s.index[i] = uint8(s.m)
			return true
		}
		if s.more[s.index[i]-1] == name {
			return false
		}
	}
}

// ParseObject reads a JSON object within budget values (HeaderBudget for
// a DPoP proof's parts, Unbounded for a JWK Set).
func ParseObject(b string, budget int) (map[string]any, error) {
	m, _, err := readObject(b, budget, false)
	return m, err
}

// ParseClaims reads a JWT claims set within budget values, and captures the
// registered claims a verifier reads.
func ParseClaims(b string, budget int) (map[string]any, Registered, error) {
	return readObject(b, budget, true)
}

func readObject(b string, budget int, capture bool) (map[string]any, Registered, error) {
	r := jsonReader{s: b, budget: budget, capture: capture}
	r.space()
	if r.pos >= len(r.s) || r.s[r.pos] != '{' {
		return nil, Registered{}, ErrNotObject
	}
	v, err := r.value()
	if err != nil {
		return nil, Registered{}, err
	}
	if err := r.end(); err != nil {
		return nil, Registered{}, err
	}
	return v.(map[string]any), r.reg, nil
}

// count takes one value, and extra more, from the budget.
func (r *jsonReader) count(extra int) error {
	if r.budget <= extra {
		return ErrBudget
	}
	r.budget -= 1 + extra
	return nil
}

// object reads a top-level object, calling member with each name; member
// must consume the value. It then requires the end of the input.
func (r *jsonReader) object(member func(name string) error) error {
	r.space()
	if r.pos >= len(r.s) || r.s[r.pos] != '{' {
		return ErrNotObject
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
			return ErrSyntax
		}
		name, err := r.str()
		if err != nil {
			return err
		}
		r.space()
		if r.pos >= len(r.s) || r.s[r.pos] != ':' {
			return ErrSyntax
		}
		r.pos++
		if err := member(name); err != nil {
			return err
		}
		r.space()
		if r.pos >= len(r.s) {
			return ErrSyntax
		}
		switch r.s[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return nil
		default:
			return ErrSyntax
		}
	}
}

// end requires that nothing but white space follows.
func (r *jsonReader) end() error {
	r.space()
	if r.pos != len(r.s) {
		return ErrSyntax
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
		return nil, ErrSyntax
	}
	switch c := r.s[r.pos]; {
	case c == '"':
		if err := r.count(0); err != nil {
			return nil, err
		}
		return r.str()
	case c == '{':
		if err := r.count(containerCost); err != nil {
			return nil, err
		}
		return r.obj()
	case c == '[':
		if err := r.count(containerCost); err != nil {
			return nil, err
		}
		return r.arr()
	case c == '-' || '0' <= c && c <= '9':
		if err := r.count(0); err != nil {
			return nil, err
		}
		return r.num()
	}
	return r.literalValue()
}

// literalValue reads true, false or null.
func (r *jsonReader) literalValue() (any, error) {
	if err := r.count(0); err != nil {
		return nil, err
	}
	switch r.s[r.pos] {
	case 't':
		return true, r.literal("true")
	case 'f':
		return false, r.literal("false")
	case 'n':
		return nil, r.literal("null")
	}
	return nil, ErrSyntax
}

func (r *jsonReader) literal(lit string) error {
	if len(r.s)-r.pos < len(lit) || r.s[r.pos:r.pos+len(lit)] != lit {
		return ErrSyntax
	}
	r.pos += len(lit)
	return nil
}

func (r *jsonReader) enter() error {
	r.depth++
	if r.depth > MaxDepth {
		return ErrDepth
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
			return ErrDuplicate
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
			return nil, ErrSyntax
		}
		switch r.s[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			r.depth--
			return a, nil
		default:
			return nil, ErrSyntax
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
		return nil, ErrSyntax
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
		return nil, ErrNumber
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
			return "", ErrSyntax
		case c < utf8.RuneSelf:
			r.pos++
		default:
			ru, size := utf8.DecodeRuneInString(r.s[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				return "", ErrUTF8
			}
			r.pos += size
		}
	}
	return "", ErrSyntax
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
			return "", ErrSyntax
		case c < utf8.RuneSelf:
			b = append(b, c)
			r.pos++
		default:
			ru, size := utf8.DecodeRuneInString(r.s[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				return "", ErrUTF8
			}
			b = append(b, r.s[r.pos:r.pos+size]...)
			r.pos += size
		}
	}
	return "", ErrSyntax
}

// escape appends the character of the escape at r.pos (a '\\') to b.
func (r *jsonReader) escape(b []byte) ([]byte, error) {
	if r.pos+1 >= len(r.s) {
		return nil, ErrSyntax
	}
	c := r.s[r.pos+1]
	r.pos += 2
	if c != 'u' {
		if e, ok := simpleEscape(c); ok {
			return append(b, e), nil
		}
		return nil, ErrSyntax
	}
	ru, err := r.unicodeEscape()
	if err != nil {
		return nil, err
	}
	return utf8.AppendRune(b, ru), nil
}

// simpleEscape is the character of the one-letter escape \c.
func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// unicodeEscape reads the hex digits of a \u escape, and of the low
// surrogate's escape that must follow a high one.
func (r *jsonReader) unicodeEscape() (rune, error) {
	ru, ok := r.hex4()
	if !ok {
		return 0, ErrSyntax
	}
	if !utf16.IsSurrogate(ru) {
		return ru, nil
	}
	// Only a high surrogate followed by an escaped low one is a character;
	// anything else is not UTF-8 text.
	if ru >= 0xdc00 || len(r.s)-r.pos < 6 || r.s[r.pos] != '\\' || r.s[r.pos+1] != 'u' {
		return 0, ErrUTF8
	}
	r.pos += 2
	lo, ok := r.hex4()
	if !ok {
		return 0, ErrSyntax
	}
	if ru = utf16.DecodeRune(ru, lo); ru == utf8.RuneError {
		return 0, ErrUTF8
	}
	return ru, nil
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
