package webhooks

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// SoPagueAccessKeyHeader is the header SoPague sends its webhook key in.
const SoPagueAccessKeyHeader = "Access-Key"

// minSoPaguePassword is the shortest Basic password accepted.
const minSoPaguePassword = 16

// SoPagueOptions configures SoPague: AccessKeys, Basic, or both.
type SoPagueOptions struct {
	// AccessKeys maps a name to a value of the Access-Key header, as
	// SoPague's support issues it. Several are valid at once.
	AccessKeys inbound.Secrets
	// Basic maps a user name to its password, as registered with SoPague
	// (POST /v1/security/webhook-auth). Passwords of at least 16 bytes.
	Basic inbound.Secrets
}

// SoPague returns a Validator for SoPague's webhook calls: an Access-Key
// header or an HTTP Basic credential, each compared in constant time against
// hashes kept from construction (see inbound.HeaderSecret). When both are
// configured, a request with an Access-Key header is checked by it and any
// other by its Authorization header.
//
// Answers: neither header, 401 missing_webhook_secret; a wrong key or
// credential, 401 invalid_webhook_secret; a header given twice, 400
// invalid_webhook_request. None carries a WWW-Authenticate challenge (a
// browser must not be invited to prompt for the credential). The Principal
// has Subject "sopague"; its KeyID is the key's name or the Basic user.
func SoPague(opts SoPagueOptions) (inbound.Validator, error) {
	const ctor = "SoPague"
	if len(opts.AccessKeys) == 0 && len(opts.Basic) == 0 {
		return nil, newConfigError(ctor, "neither AccessKeys nor Basic is set")
	}
	var errs []error
	v := &sopague{}
	var err error
	if len(opts.AccessKeys) > 0 {
		v.key, err = inbound.HeaderSecret(SoPagueAccessKeyHeader, opts.AccessKeys, &inbound.SecretOptions{Subject: "sopague"})
		errs = append(errs, err)
	}
	if len(opts.Basic) > 0 {
		creds := make(map[string]string, len(opts.Basic))
		for _, user := range slices.Sorted(maps.Keys(opts.Basic)) {
			pass := opts.Basic[user]
			switch {
			case user == "" || strings.ContainsAny(user, ":\x00"):
				errs = append(errs, newConfigError(ctor, fmt.Sprintf("Basic user %q is empty or holds a colon", user)))
			case len(pass) < minSoPaguePassword:
				errs = append(errs, newConfigError(ctor, fmt.Sprintf("the password of Basic user %q is shorter than %d bytes", user, minSoPaguePassword)))
			}
			creds[user] = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
		}
		v.basic, err = inbound.HeaderSecret("Authorization", creds, &inbound.SecretOptions{Subject: "sopague", MinLength: 1})
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return v, nil
}

type sopague struct {
	key, basic inbound.Validator // either may be nil
}

// Validate implements inbound.Validator.
func (v *sopague) Validate(r *http.Request) (*inbound.Principal, error) {
	_, hasKey := r.Header[http.CanonicalHeaderKey(SoPagueAccessKeyHeader)]
	if v.key != nil && (hasKey || v.basic == nil) {
		return v.key.Validate(r)
	}
	return v.basic.Validate(r)
}
