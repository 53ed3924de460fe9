package jose

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestParseJSONObjectLikeEncodingJSON: accepted claims come out exactly as
// encoding/json decodes them into a map[string]any.
func TestParseJSONObjectLikeEncodingJSON(t *testing.T) {
	in := `{ "s":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é", "n":[0,-0,1,-1.5,1e3,2E-2,123456789012345678,1700000000],
		"o":{"x":null,"y":true,"z":false,"e":{},"a":[]}, "u":"\u0000", "empty":"" }`
	got, err := ParseObject(in, Unbounded)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	if z := got["n"].([]any)[1].(float64); !math.Signbit(z) {
		t.Fatal("-0 lost its sign")
	}
}

// FuzzParseObject checks the strict reader against encoding/json: whatever
// it accepts, encoding/json accepts with the same result; whatever it
// refuses that encoding/json accepts is refused for a documented reason
// (duplicate names, invalid UTF-8 or lone surrogates, depth).
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":"\u00e9","b":[1,2,{"c":null}]}`, `{"a":1,"a":2}`,
		`{"A":1,"a":2}`, "{\"a\":\"\xff\"}", `{"a":"\ud800"}`, `{"a":1e400}`, `{"a":-0.0e-0}`, ` {"a" : [ ] } `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseObject(s, Unbounded)
		var want map[string]any
		jerr := json.Unmarshal([]byte(s), &want)
		if err == nil {
			if jerr != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("strict %#v, encoding/json %#v (%v)", got, want, jerr)
			}
			return
		}
		if jerr != nil || want == nil {
			return
		}
		switch {
		case errors.Is(err, ErrDuplicate), errors.Is(err, ErrUTF8), errors.Is(err, ErrDepth):
		default:
			t.Fatalf("strict refused (%v) what encoding/json accepts", err)
		}
	})
}

// TestParseHeaderBudget: a header of HeaderBudget members is read, one
// more is refused; duplicates are found past the first eight names too,
// also when the names collide in the table.
func TestParseHeaderBudget(t *testing.T) {
	members := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"alg":"HS256"`)
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, `,"m%d":%d`, i, i)
		}
		return b.String()
	}
	if h, err := ParseHeader(members(HeaderBudget) + `}`); err != nil || h.Alg != "HS256" {
		t.Fatalf("%d members: %v", HeaderBudget, err)
	}
	if _, err := ParseHeader(members(HeaderBudget+1) + `}`); !errors.Is(err, ErrBudget) {
		t.Fatalf("%d members: %v", HeaderBudget+1, err)
	}
	for _, n := range []int{2, 8, 9, 40, HeaderBudget - 1} {
		dup := members(n) + `,"m1":0}`
		if _, err := ParseHeader(dup); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("duplicate after %d members: %v", n, err)
		}
	}
	var s nameSet
	for i := range HeaderBudget {
		if !s.add(fmt.Sprint(i)) || s.add(fmt.Sprint(i)) {
			t.Fatalf("name %d", i)
		}
	}
}

// TestParseObjectBudget: within a budget, an object of empty objects is
// refused after a bounded number of them, and the same text is read in full
// without one.
func TestParseObjectBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"a":{}`)
	for i := range 1000 {
		fmt.Fprintf(&b, `,"%d":{}`, i)
	}
	b.WriteString(`}`)
	if _, err := ParseObject(b.String(), ClaimsBudget); !errors.Is(err, ErrBudget) {
		t.Fatalf("within the budget: %v", err)
	}
	if m, err := ParseObject(b.String(), Unbounded); err != nil || len(m) != 1001 {
		t.Fatalf("unbounded: %d members, %v", len(m), err)
	}
}

// FuzzParseHeader: the header reader agrees with ParseObject on every
// header both accept, and refuses only what ParseObject refuses or what is
// over the budget or of the wrong type.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{`{"alg":"HS256","kid":"a","typ":"JWT"}`, `{"alg":"HS256","alg":"x"}`, `{"crit":["b64"],"alg":"ES256"}`,
		`{"alg":1}`, `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"a":0}`, `{"jwk":{"kty":"EC"}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHeader(s)
		m, merr := ParseObject(s, Unbounded)
		if err == nil {
			if merr != nil {
				t.Fatalf("header read, object refused: %v", merr)
			}
			alg, _ := m["alg"].(string)
			_, crit := m["crit"]
			if h.Alg != alg || h.Crit != crit {
				t.Fatalf("header %+v, object %v", h, m)
			}
			return
		}
		if merr == nil && !errors.Is(err, ErrBudget) && !errors.Is(err, ErrType) {
			t.Fatalf("header refused (%v), object read", err)
		}
	})
}

// FuzzDecode: Decode accepts exactly three segments of strict base64url,
// and its signing input is the token up to the second dot.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"eyJhIjoxfQ.eyJiIjoyfQ.c2ln", "a.b.c", "..", "a..c", "a.b.c.d", "YQ=.b.c", "a\n.b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := Decode(tok, nil)
		if err != nil {
			return
		}
		parts := strings.Split(tok, ".")
		if len(parts) != 3 || parts[0] == "" || parts[2] == "" || strings.ContainsAny(tok, "\r\n") {
			t.Fatalf("accepted %q", tok)
		}
		if string(c.SigningInput) != parts[0]+"."+parts[1] || b64.EncodeToString(c.Signature) != parts[2] ||
			b64.EncodeToString(c.Header) != parts[0] || b64.EncodeToString(c.Payload) != parts[1] {
			t.Fatalf("segments of %q decoded wrongly", tok)
		}
	})
}

// FuzzKeyFromJWK: whatever the conversion accepts is a key CheckKey
// accepts, fitting its alg, and an untrusted JWK never yields a symmetric
// key or carries certificates.
func FuzzKeyFromJWK(f *testing.F) {
	for _, c := range oldJWKSites {
		f.Add(c.jwk)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseObject(s, HeaderBudget)
		if err != nil {
			return
		}
		for _, o := range []JWKOptions{{Untrusted: true}, {Symmetric: true}} {
			k, err := KeyFromJWK(m, o)
			if err != nil {
				if strings.Contains(err.Error(), s) && len(s) > 8 {
					t.Fatal("error quotes the input")
				}
				continue
			}
			if _, err := CheckKey(k.Key); err != nil {
				t.Fatalf("accepted a key CheckKey refuses: %v", err)
			}
			if k.Alg != "" && !KeyFits(k.Key, k.Alg) {
				t.Fatalf("key unfit for its alg %q", k.Alg)
			}
			if _, sym := k.Key.([]byte); sym && !o.Symmetric {
				t.Fatal("symmetric key from an untrusted JWK")
			}
		}
	})
}
