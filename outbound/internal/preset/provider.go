package preset

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Provider describes one provider: what is its own, as data, as
// x/oauth2's endpoints describe theirs. C is the provider's Config type (a
// struct with some of the Options fields), P what its NewParts returns.
type Provider[C, P any] struct {
	// Name is the package's name: the prefix of its errors and the first
	// part of its tokens' Store key.
	Name string
	// APIs are the provider's APIs, indexed by the Config's API field; a
	// Config without one uses APIs[0].
	APIs []API
	// Required names the Config's string fields that must be set (its
	// credentials).
	Required []string
	// Identity names the Config field that identifies the client to the
	// token endpoint (client id, user name): part of the token's Store key,
	// never a secret.
	Identity string
	// Check, if set, returns the configuration errors that are the
	// provider's own (each from Errorf), given the base URL in use, "" if
	// it is invalid. It is called once the Environment and API are known to
	// be valid.
	Check func(c C, baseURL string) []error
	// Fetcher, if set, is the token request's wire format: the fetcher of
	// the token endpoint at e.URL, sending with e.Client and stamping
	// expiries with e.Now. Nil for a provider without a token endpoint.
	Fetcher func(c C, e Endpoint) outbound.Fetcher
	// Refused, if set, adds the provider's own causes to the error of a
	// token request the provider refused, read from its error body.
	Refused func(e *outbound.Error)
	// Decorators, if set, returns the decorators that go between the host
	// guard and the Bearer decorator, e.g. an API key's Header.
	Decorators func(c C) []func(http.RoundTripper) http.RoundTripper
	// RefreshAhead, if set, is the Source's RefreshAhead when the Config
	// leaves it zero: the provider's advice.
	RefreshAhead time.Duration
	// Parts returns the provider's Parts of what New assembled.
	Parts func(b Built) P
}

// API is one API of a provider.
type API struct {
	// Name is what the API's String returns.
	Name string
	// URLs are the documented base URLs, by Environment; "" where none is
	// documented (the Config must set BaseURL).
	URLs [2]string
	// TokenPath is the token endpoint's path below the base URL.
	TokenPath string
	// MTLS says the API authenticates clients with certificates: the
	// Config's Certificates or CertificateSet are required.
	MTLS bool
}

// Endpoint is what a provider's Fetcher is given.
type Endpoint struct {
	// URL is the token endpoint.
	URL string
	// Client reaches it: with the client certificates, held to the
	// provider's host.
	Client *http.Client
	// Now is the Source's clock, which the fetcher stamps expiries with.
	Now func() time.Time
}

// Built is what New assembles.
type Built struct {
	// Client sends authorized requests to BaseURL.
	Client *http.Client
	// Source caches the token; nil without a token endpoint.
	Source *outbound.Source
	// BaseURL is the base URL in use.
	BaseURL string
	// Certificates is the client-certificate set, nil without one.
	Certificates *mtls.Set
}

// api returns the API of index i, and whether there is one.
func (p Provider[C, P]) api(i int) (API, bool) {
	if i < 0 || i >= len(p.APIs) {
		return API{}, false
	}
	return p.APIs[i], true
}

// URL returns the documented base URL of api in env, "" for none or for an
// unknown API or environment.
func (p Provider[C, P]) URL(env Environment, api int) string {
	a, ok := p.api(api)
	if !ok || !env.valid() {
		return ""
	}
	return a.URLs[env]
}

// TokenPath returns api's token path, "" for an unknown API.
func (p Provider[C, P]) TokenPath(api int) string {
	a, _ := p.api(api)
	return a.TokenPath
}

// APIName returns api's name, or "API(n)" for an unknown one.
func (p Provider[C, P]) APIName(api int) string {
	if a, ok := p.api(api); ok {
		return a.Name
	}
	return "API(" + strconv.Itoa(api) + ")"
}

// New returns the client c describes. An invalid c is an error wrapping
// outbound.ErrInvalidConfig, with every problem found joined.
func (p Provider[C, P]) New(c C) (*http.Client, error) {
	b, err := p.build(c)
	if err != nil {
		return nil, err
	}
	return b.Client, nil
}

// NewParts is New returning the provider's Parts.
func (p Provider[C, P]) NewParts(c C) (P, error) {
	b, err := p.build(c)
	if err != nil {
		var zero P
		return zero, err
	}
	return p.Parts(*b), nil
}

// build assembles the client: the host guard (outbound.AllowHosts of the
// base URL), the provider's decorators, Bearer with the token Source, then
// the transport.
func (p Provider[C, P]) build(c C) (*Built, error) {
	o, err := OptionsOf(c)
	if err != nil {
		return nil, err
	}
	api, base, errs := p.check(c, o)
	rt, set, err := Transport(TransportOptions{Provider: p.Name, Base: o.Base, Certificates: o.Certificates,
		CertificateSet: o.CertificateSet, RequireCertificates: api.MTLS, RootCAs: o.RootCAs})
	if err = errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	b := &Built{BaseURL: base, Certificates: set}
	decs := []func(http.RoundTripper) http.RoundTripper{outbound.AllowHosts(base)}
	if p.Decorators != nil {
		decs = append(decs, p.Decorators(c)...)
	}
	if p.Fetcher != nil {
		if b.Source, err = p.source(c, o, base+api.TokenPath, rt); err != nil {
			return nil, err
		}
		decs = append(decs, outbound.Bearer(b.Source))
	}
	b.Client = &http.Client{Transport: outbound.Chain(rt, decs...)}
	return b, nil
}

// check returns c's API and base URL, and every configuration error found.
func (p Provider[C, P]) check(c C, o Options) (API, string, []error) {
	var errs []error
	if !o.Environment.valid() {
		errs = append(errs, Errorf(p.Name, "unknown Environment %d", int(o.Environment)))
	}
	api, ok := p.api(o.API)
	if !ok {
		errs = append(errs, Errorf(p.Name, "unknown API %d", o.API))
	}
	errs = append(errs, required(p.Name, c, p.Required)...)
	base, err := BaseURL(p.Name, o.Environment, o.BaseURL, p.URL(o.Environment, o.API))
	if err != nil && (ok && o.Environment.valid() || o.BaseURL != "") {
		errs = append(errs, err)
	}
	if p.Check != nil && ok && o.Environment.valid() {
		errs = append(errs, p.Check(c, base)...)
	}
	if o.Store != nil && o.SharedOptions != nil {
		errs = append(errs, wrap(p.Name, o.SharedOptions.Validate()))
	}
	return api, base, errs
}

// source returns the token Source: the provider's fetcher through a client
// held to the provider's host, with the provider's error causes, shared
// over the Config's Store when it has one.
func (p Provider[C, P]) source(c C, o Options, tokenURL string, rt http.RoundTripper) (*outbound.Source, error) {
	so := p.sourceOptions(o.SourceOptions)
	client := &http.Client{Transport: outbound.Chain(rt, outbound.AllowHosts(tokenURL))}
	f := p.Fetcher(c, Endpoint{URL: tokenURL, Client: client, Now: clock(so)})
	if v, ok := f.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, wrap(p.Name, err)
		}
	}
	if p.Refused != nil {
		f = refused{f, p.Refused}
	}
	if o.Store != nil {
		identity, ok := stringField(c, p.Identity)
		if !ok {
			return nil, noField(c, p.Identity)
		}
		key := outbound.CredentialKey(p.Name, tokenURL, identity)
		var err error
		if f, err = share(p.Name, f, o.Store, key, o.SharedOptions, so); err != nil {
			return nil, err
		}
	}
	return outbound.NewSource(f, so), nil
}

// sourceOptions returns the Config's SourceOptions with the provider's
// RefreshAhead where it leaves it zero.
func (p Provider[C, P]) sourceOptions(so *outbound.SourceOptions) *outbound.SourceOptions {
	if p.RefreshAhead == 0 || (so != nil && so.RefreshAhead != 0) {
		return so
	}
	o := outbound.SourceOptions{}
	if so != nil {
		o = *so
	}
	o.RefreshAhead = p.RefreshAhead
	return &o
}

// refused adds a provider's own causes to its token endpoint's refusals.
type refused struct {
	f     outbound.Fetcher
	cause func(*outbound.Error)
}

func (r refused) Fetch(ctx context.Context) (outbound.Token, error) {
	tok, err := r.f.Fetch(ctx)
	var oe *outbound.Error
	if err != nil && errors.As(err, &oe) {
		r.cause(oe)
	}
	return tok, err
}
