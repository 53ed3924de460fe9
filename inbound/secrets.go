package inbound

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
)

// Secrets maps a name to a secret value: webhook secrets, tokens, access
// keys, passwords. It is an ordinary map (a map[string]string literal or
// variable is assigned to it as is); what it adds is that it never prints or
// encodes a value: fmt in every verb, slog and encoding/json show only the
// names, so an options struct that holds one can be logged.
type Secrets map[string]string

// String lists the names, sorted, with every value redacted.
func (s Secrets) String() string {
	names := make([]string, 0, len(s))
	for name := range s {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString("map[")
	for i, name := range names {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:REDACTED", name)
	}
	b.WriteByte(']')
	return b.String()
}

// Format redacts in every verb (%v, %+v, %#v, %s, %q).
func (s Secrets) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue logs String.
func (s Secrets) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes the names, each with the value "REDACTED".
func (s Secrets) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, len(s))
	for name := range s {
		m[name] = "REDACTED"
	}
	return json.Marshal(m)
}
