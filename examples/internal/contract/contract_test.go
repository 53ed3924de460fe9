package contract

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/netip"
	"time"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"
)

// Compiles only if the contract's names and shapes exist.
var (
	_                                                                                         = outbound.Token{Value: "", Type: "", Expiry: time.Time{}}
	_ outbound.Fetcher                                                                        = outbound.FetcherFunc(func(ctx context.Context) (outbound.Token, error) { return outbound.Token{}, nil })
	_ func(outbound.Fetcher, *outbound.SourceOptions) *outbound.Source                        = outbound.NewSource
	_ func(*outbound.Source, context.Context) (outbound.Token, error)                         = (*outbound.Source).Token
	_ func(*outbound.Source, outbound.Token)                                                  = (*outbound.Source).Invalidate
	_                                                                                         = outbound.SourceOptions{RefreshAhead: 0, ExpiryMargin: 0, Now: time.Now}
	_ func(*outbound.Source) func(http.RoundTripper) http.RoundTripper                        = outbound.Bearer
	_ func(string, string) func(http.RoundTripper) http.RoundTripper                          = outbound.Header
	_ func(string) func(http.RoundTripper) http.RoundTripper                                  = outbound.UserAgent
	_ func(http.RoundTripper, ...func(http.RoundTripper) http.RoundTripper) http.RoundTripper = outbound.Chain
	_ outbound.Fetcher                                                                        = &outbound.ClientCredentials{TokenURL: "", ClientID: "", ClientSecret: "", Scopes: nil, Client: nil}
	_ func([]byte, []byte) (tls.Certificate, error)                                           = mtls.LoadPEM
	_ func([]byte, string) (tls.Certificate, error)                                           = mtls.LoadPFX
	_ func(efi.Config) (*http.Client, error)                                                  = efi.New
	_ func(sopague.Config) (*http.Client, error)                                              = sopague.New
	_ func(divipay.Config) (*http.Client, error)                                              = divipay.New
	_ func(bankingapi.Config) (*http.Client, error)                                           = bankingapi.New
	_ func(asaas.Config) (*http.Client, error)                                                = asaas.New
	_                                                                                         = efi.Config{Environment: efi.Production, BaseURL: "", Base: nil, ClientID: "", ClientSecret: "", Certificates: []tls.Certificate{}, RootCAs: (*x509.CertPool)(nil), API: efi.Charges}
	_                                                                                         = sopague.Config{Environment: sopague.Sandbox, UserName: "", Password: "", API: sopague.Integration, BaseURL: "", Base: nil}
	_                                                                                         = divipay.Config{Environment: divipay.Production, ClientID: "", ClientSecret: "", BaseURL: "", Base: nil}
	_                                                                                         = bankingapi.Config{Environment: bankingapi.Sandbox, ClientID: "", ClientSecret: "", Certificates: nil, RootCAs: nil, BaseURL: "", Base: nil}
	_                                                                                         = asaas.Config{Environment: asaas.Production, APIKey: "", UserAgent: "", BaseURL: "", Base: nil}
	_ efi.Environment                                                                         = efi.Sandbox
	_ efi.API                                                                                 = efi.Pix

	_                                                                           = inbound.Principal{Subject: "", Scheme: "", KeyID: "", Scopes: nil, Claims: map[string]any{}}
	_ error                                                                     = &inbound.Error{Status: 0, Code: "", Description: "", Err: nil}
	_ func(*inbound.Error) error                                                = (*inbound.Error).Unwrap
	_ func(context.Context, *inbound.Principal) context.Context                 = inbound.NewContext
	_ func(context.Context) (*inbound.Principal, bool)                          = inbound.FromContext
	_ func(inbound.JWTOptions) (inbound.Validator, error)                       = inbound.BearerJWT
	_                                                                           = inbound.JWTOptions{Keys: nil, Algorithms: []string{}, Issuer: "", Audience: "", Leeway: 0}
	_ func(map[string]any) (inbound.KeySet, error)                              = inbound.StaticKeys
	_ func(string, *inbound.JWKSOptions) (*inbound.JWKSet, error)               = inbound.JWKS
	_ inbound.KeySet                                                            = (*inbound.JWKSet)(nil)
	_ func(inbound.KeyStore, *inbound.APIKeyOptions) (inbound.Validator, error) = inbound.APIKey
	_                                                                           = inbound.APIKeyOptions{Header: "", Environments: map[string]string{}, Environment: ""}
	_ func(map[string]*inbound.Principal) inbound.KeyStore                      = inbound.HashedKeys
	_ func() inbound.Validator                                                  = inbound.UserAgent
	_ func(...inbound.Validator) inbound.Validator                              = inbound.All
	_ func(inbound.Validator, *middleware.Options) (*middleware.Guard, error)   = middleware.New
	_ func(*middleware.Guard, *http.Request) (*http.Request, error)             = (*middleware.Guard).Check
	_ func(*middleware.Guard, http.ResponseWriter, *http.Request, error)        = (*middleware.Guard).WriteError
	_ func(*middleware.Guard) func(http.Handler) http.Handler                   = stdauth.Require
	_ func(*middleware.Guard) gin.HandlerFunc                                   = ginauth.Require
	_ func(*middleware.Guard) echo.MiddlewareFunc                               = echoauth.Require
)

type ks struct{}

func (ks) Key(ctx context.Context, kid, alg string) (any, error) { return nil, nil }

var _ inbound.KeySet = ks{}

type store struct{}

func (store) Lookup(ctx context.Context, sha256 [32]byte) (*inbound.Principal, error) {
	return nil, nil
}

var _ inbound.KeyStore = store{}

// The second wave of the contract: tokens shared between processes, explicit
// typing, several issuers and audiences, proof of possession, IP allowlists.
var (
	_ func(outbound.FetchPhase) string                                                         = outbound.FetchPhase.String
	_ outbound.Store                                                                           = outbound.MemoryStore()
	_ func() outbound.Store                                                                    = outbound.MemoryStore
	_                                                                                          = outbound.SharedToken{Token: outbound.Token{}, Fetched: time.Time{}}
	_ func(outbound.Fetcher, outbound.Store, string, *outbound.SharedOptions) outbound.Fetcher = outbound.Shared
	_                                                                                          = outbound.SharedOptions{LeaseTTL: 0, RefreshAhead: 0, StoreTimeout: 0, EncryptionKey: nil, Now: time.Now, OnEvent: func(outbound.SharedEvent) {}}
	_ func(...string) string                                                                   = outbound.CredentialKey
	_ func(redis.UniversalClient, *redisstore.Options) outbound.Store                          = redisstore.New
	_                                                                                          = efi.Config{Store: nil, SharedOptions: (*outbound.SharedOptions)(nil)}
	_                                                                                          = sopague.Config{Store: nil, SharedOptions: (*outbound.SharedOptions)(nil)}
	_                                                                                          = divipay.Config{Store: nil, SharedOptions: (*outbound.SharedOptions)(nil)}
	_                                                                                          = bankingapi.Config{Store: nil, SharedOptions: (*outbound.SharedOptions)(nil)}
	_                                                                                          = inbound.JWTOptions{Types: []string{"at+jwt"}, Issuers: []string{}, Audiences: []string{}, CertificateBound: false,
		ClientCertProxies: []netip.Prefix{}, DPoP: &inbound.DPoPOptions{Algorithms: nil, Window: 0, Required: false, Replay: (inbound.ReplayCache)(nil)}}
	_ func([]netip.Prefix, *inbound.IPOptions) (inbound.Validator, error) = inbound.IPAllowlist
	_                                                                     = inbound.IPOptions{TrustedProxies: []netip.Prefix{}}
)

// Store's methods, as the contract spells them.
var _ interface {
	Load(ctx context.Context, key string) (outbound.SharedToken, bool, error)
	Save(ctx context.Context, key string, t outbound.SharedToken) error
	Lease(ctx context.Context, key string, ttl time.Duration) (release func(), ok bool, err error)
	Drop(ctx context.Context, key string, value string) error
	Watch(ctx context.Context, key string) (<-chan struct{}, error)
} = outbound.Store(nil)
