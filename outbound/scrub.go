package outbound

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// secrets is the list of credential values a token request sent, in the
// forms a provider may echo back in an error body, longest first.
type secrets []string

// newSecrets returns the values with their form-encoded and JSON-encoded
// forms (an endpoint may echo its raw request body), without empty and
// duplicate entries.
func newSecrets(values ...string) secrets {
	var s secrets
	for _, v := range values {
		if v == "" {
			continue
		}
		s = append(s, v, url.QueryEscape(v), jsonString(v, true), jsonString(v, false))
	}
	slices.SortFunc(s, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return slices.Compact(s)
}

// jsonString returns v as encoding/json writes it inside quotes, with or
// without its HTML escapes.
func jsonString(v string, html bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(v) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// withBasic returns s plus the value of the HTTP Basic header made of user and
// pass, which an endpoint that echoes its request headers would show.
func (s secrets) withBasic(user, pass string) secrets {
	if user == "" && pass == "" {
		return s
	}
	return newSecrets(append(slices.Clone(s), base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))...)
}

// scrub replaces every secret in text, a provider's error code or message,
// with REDACTED. Some endpoints echo the rejected credential in their error
// body; it must not reach an error string or a log line.
func (s secrets) scrub(text string) string {
	for _, v := range s {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, "REDACTED")
		}
	}
	return text
}

// bodySecrets returns the string values of a JSON request body that are
// secret: all of them except those of fields known to hold no secret (the
// grant type, the client id or user name, scopes). A field of unknown name
// counts as secret.
func bodySecrets(body []byte) secrets {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case string:
			if !publicField(key) {
				out = append(out, v)
			}
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		}
	}
	walk("", v)
	return newSecrets(out...)
}

func publicField(name string) bool {
	switch strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name)) {
	case "granttype", "clientid", "username", "login", "scope", "scopes", "audience":
		return true
	}
	return false
}
