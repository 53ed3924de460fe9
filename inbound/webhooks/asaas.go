package webhooks

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// AsaasTokenHeader is the header Asaas sends its webhook token in.
const AsaasTokenHeader = "asaas-access-token"

// Asaas's rules for a webhook token.
const (
	asaasMinToken = 32
	asaasMaxToken = 255
)

// AsaasOptions configures Asaas.
type AsaasOptions struct {
	// Tokens maps a name to a webhook token as registered with Asaas
	// (Minha Conta > Integrações, or the webhook API's authToken). Several
	// are valid at once, for a rotation; Principal.KeyID is the name of the
	// one that matched. Required.
	Tokens inbound.Secrets
	// CheckSourceIP also requires the request to come from one of Asaas's
	// documented addresses (AsaasIPs): 403 ip_not_allowed otherwise.
	CheckSourceIP bool
	// TrustedProxies are the reverse proxies in front of this server whose
	// X-Forwarded-For and Forwarded headers are believed when CheckSourceIP
	// is set (see inbound.IPOptions).
	TrustedProxies []netip.Prefix
}

// Asaas returns a Validator for Asaas's webhook calls: the token Asaas sends
// in the asaas-access-token header, compared in constant time against
// hashes of opts.Tokens (see inbound.HeaderSecret), and, with
// opts.CheckSourceIP, the source address.
//
// Asaas's own rules for a token are checked at construction, so that a token
// Asaas would refuse to register fails here rather than in production:
// 32 to 255 characters, no whitespace, no run of ascending digits such as
// 12345, no letter four times in a row, and not an Asaas API key ($aact_…).
// Asaas counts only a 200 as delivered and retries anything else, so
// deliveries arrive at least once: deduplicate by the event's id in the body.
//
// Answers: no header, 401 missing_webhook_secret; a wrong token, 401
// invalid_webhook_secret; with CheckSourceIP, another address, 403
// ip_not_allowed (checked first). The Principal has Subject "asaas" and
// Scheme "Webhook".
func Asaas(opts AsaasOptions) (inbound.Validator, error) {
	const ctor = "Asaas"
	var errs []error
	if len(opts.Tokens) == 0 {
		errs = append(errs, newConfigError(ctor, "no Tokens (a receiver without a token accepts anyone's calls)"))
	}
	for _, name := range slices.Sorted(maps.Keys(opts.Tokens)) {
		if msg := asaasTokenProblem(opts.Tokens[name]); msg != "" {
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("token %q %s", name, msg)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	secret, err := inbound.HeaderSecret(AsaasTokenHeader, opts.Tokens,
		&inbound.SecretOptions{Subject: "asaas", MinLength: asaasMinToken})
	if err != nil {
		return nil, err
	}
	if !opts.CheckSourceIP {
		return secret, nil
	}
	ip, err := inbound.IPAllowlist(slices.Clone(AsaasIPs), &inbound.IPOptions{TrustedProxies: opts.TrustedProxies})
	if err != nil {
		return nil, err
	}
	return inbound.All(ip, secret), nil
}

// asaasTokenProblem says what is wrong with a token under Asaas's rules, or
// "" when nothing is. It never quotes the token.
func asaasTokenProblem(t string) string {
	switch {
	case len(t) < asaasMinToken || len(t) > asaasMaxToken:
		return fmt.Sprintf("must be %d to %d characters long", asaasMinToken, asaasMaxToken)
	case strings.ContainsFunc(t, func(r rune) bool { return r <= ' ' || r == 0x7f || r > 0x7e }):
		return "must hold only visible ASCII, without whitespace"
	case strings.HasPrefix(t, "$aact_"):
		return "is an Asaas API key; use a separate random value"
	case ascendingRun(t, 5):
		return "holds a run of ascending digits (such as 12345)"
	case repeatedLetter(t, 4):
		return "holds a letter four times in a row"
	}
	return ""
}

// ascendingRun reports whether t holds n digits in a row, each one more
// than the one before.
func ascendingRun(t string, n int) bool {
	run := 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c < '0' || c > '9':
			run = 0
		case run > 0 && c == t[i-1]+1:
			run++
		default:
			run = 1
		}
		if run >= n {
			return true
		}
	}
	return false
}

// repeatedLetter reports whether t holds one letter n times in a row.
func repeatedLetter(t string, n int) bool {
	run := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		isLetter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		switch {
		case !isLetter:
			run = 0
		case run > 0 && c == t[i-1]:
			run++
		default:
			run = 1
		}
		if run >= n {
			return true
		}
	}
	return false
}
