package preset

import (
	"net/url"
	"strings"
)

// BaseURL returns override when set, else def, the URL the provider
// documents for env, checked to be an absolute http(s) URL without query,
// fragment or user info, and without a trailing slash.
func BaseURL(provider string, env Environment, override, def string) (string, error) {
	s := def
	if override != "" {
		s = override
	}
	if s == "" {
		return "", Errorf(provider, "BaseURL is required: the provider documents no URL for the %s environment", env)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", Errorf(provider, "BaseURL must be an absolute http or https URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", Errorf(provider, "BaseURL must not hold user info, a query or a fragment")
	}
	return strings.TrimRight(s, "/"), nil
}

// safeURL returns s for display: without user info, query and fragment, or
// REDACTED when it does not parse. A Config's BaseURL may hold any of them
// before New refuses it.
func safeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "REDACTED"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
