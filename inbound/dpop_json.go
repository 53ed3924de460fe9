package inbound

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

var errStrictJSON = errors.New("inbound: malformed or ambiguous JSON")

// strictObject reads a JSON object as RFC 7515 §5.2 wants untrusted JOSE
// input read: valid UTF-8 only, no duplicate member names (at any depth),
// nothing after the object. Member names are map keys, so they match
// exactly. Values are those encoding/json gives an any.
func strictObject(b []byte) (map[string]any, error) {
	if !utf8.Valid(b) {
		return nil, errStrictJSON
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := noDuplicates(dec, 0); err != nil {
		return nil, errStrictJSON
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, errStrictJSON
	}
	return m, nil
}

// noDuplicates walks one value and fails on a repeated member name or
// nesting deeper than 32.
func noDuplicates(dec *json.Decoder, depth int) error {
	if depth > 32 {
		return errStrictJSON
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]struct{}{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name, _ := k.(string)
			if _, dup := seen[name]; dup {
				return errStrictJSON
			}
			seen[name] = struct{}{}
			if err := noDuplicates(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			if err := noDuplicates(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}
