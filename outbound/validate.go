package outbound

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Validate reports every configuration error of c at once (joined with
// errors.Join, each wrapping ErrInvalidConfig): TokenURL must be an absolute
// http or https URL and ClientID must be set. NewSource calls it, and a
// Source over an invalid ClientCredentials never fetches; call it yourself
// to fail at start-up.
func (c *ClientCredentials) Validate() error {
	var errs []error
	if err := checkTokenURL("ClientCredentials.TokenURL", c.TokenURL); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, configError("ClientCredentials.ClientID is required"))
	}
	switch c.AuthStyle {
	case AuthPrivateKeyJWT:
		if _, err := c.Assertion.check(); err != nil {
			errs = append(errs, configError("ClientCredentials.Assertion: "+strings.TrimPrefix(err.Error(), "outbound: ")))
		}
	case AuthTLSClient:
		if c.ClientSecret != "" {
			errs = append(errs, configError("ClientCredentials.ClientSecret must be empty with AuthTLSClient"))
		}
	}
	return errors.Join(errs...)
}

// Validate reports every configuration error of j at once (joined with
// errors.Join, each wrapping ErrInvalidConfig): URL must be an absolute http
// or https URL and TokenField must be set. NewSource calls it, and a Source
// over an invalid JSONFetcher never fetches; call it yourself to fail at
// start-up.
func (j *JSONFetcher) Validate() error {
	var errs []error
	if err := checkTokenURL("JSONFetcher.URL", j.URL); err != nil {
		errs = append(errs, err)
	}
	if j.TokenField == "" {
		errs = append(errs, configError("JSONFetcher.TokenField is required"))
	}
	return errors.Join(errs...)
}

func checkTokenURL(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return configError(field + " is required")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The URL itself is not printed: it may hold user info.
		return configError(field + " must be an absolute http or https URL")
	}
	return nil
}

func configError(msg string) error {
	return fmt.Errorf("outbound: %w: %s", ErrInvalidConfig, msg)
}
