package preset

import (
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

// Describe returns cfg, a provider's Config, as one line without its
// secrets: "efi.Config{Environment: sandbox, ClientID: "id", ClientSecret:
// REDACTED, Certificates: 1}". It fails closed: a string field prints only
// when it is known to hold no secret (BaseURL without user info or query,
// ClientID, UserName, UserAgent); any other string prints REDACTED when set,
// so a secret field added later is never shown. Integers print with their
// String method, slices as their length; other fields are left out.
func Describe(cfg any) string {
	v := reflect.ValueOf(cfg)
	t := v.Type()
	pkg := t.PkgPath()
	var b strings.Builder
	b.WriteString(pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + t.Name() + "{")
	n := 0
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			continue
		}
		s, ok := describeField(t.Field(i).Name, v.Field(i))
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		b.WriteString(t.Field(i).Name + ": " + s)
	}
	b.WriteString("}")
	return b.String()
}

func describeField(name string, f reflect.Value) (string, bool) {
	switch f.Kind() {
	case reflect.String:
		switch {
		case name == "BaseURL":
			return strconv.Quote(safeURL(f.String())), true
		case name == "ClientID" || name == "UserName" || name == "UserAgent":
			return strconv.Quote(f.String()), true
		case f.Len() == 0:
			return `""`, true
		}
		return "REDACTED", true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(f.Interface()), true
	case reflect.Slice:
		return strconv.Itoa(f.Len()), true
	}
	return "", false
}

// Redacting is what a Config's redacting methods are made of; each Config
// forwards to it: fmt (every verb), slog, encoding/json and
// encoding.TextMarshaler print Describe.
type Redacting struct{ s string }

// Redacted returns the redacting form of cfg.
func Redacted(cfg any) Redacting { return Redacting{Describe(cfg)} }

var (
	_ fmt.Formatter          = Redacting{}
	_ slog.LogValuer         = Redacting{}
	_ json.Marshaler         = Redacting{}
	_ encoding.TextMarshaler = Redacting{}
)

// String returns the description.
func (r Redacting) String() string { return r.s }

// Format writes the description, whatever the verb.
func (r Redacting) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.s)) }

// LogValue is the description.
func (r Redacting) LogValue() slog.Value { return slog.StringValue(r.s) }

// MarshalJSON encodes the description as a JSON string.
func (r Redacting) MarshalJSON() ([]byte, error) { return json.Marshal(r.s) }

// MarshalText is the description.
func (r Redacting) MarshalText() ([]byte, error) { return []byte(r.s), nil }
