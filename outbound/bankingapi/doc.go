// Package bankingapi is a ready client for the Banking API, which requires
// both client credentials and mTLS on every call.
//
// The token comes from POST /public/gw_banking/v1/auth/token-v2 with the JSON
// body {"client_id", "client_secret", "grant_type": "client_credentials"},
// sent over mTLS with the client certificate bound to the credential; the API
// calls then carry the token and the same certificate. The provider issues a
// token only when the credential is active, the certificate is bound to it and
// the source IP is allowed, and says which check failed:
//
//   - 401 with a credentials error: errors.Is(err, outbound.ErrInvalidCredentials)
//   - 401 with a certificate error: also errors.Is(err, ErrInvalidClientCertificate)
//   - 403: errors.Is(err, ErrIPNotAllowed) and outbound.ErrForbidden
//
// A credential may have two active certificates for rotation: pass both in
// Config.Certificates and each handshake presents the valid one that expires
// last; Parts.Certificates.Replace swaps them at run time. Certificates load
// from PEM (mtls.LoadPEM) or PFX with its password (mtls.LoadPFX).
//
//	cert, err := mtls.LoadPFXFile("client.pfx", os.Getenv("PFX_PASSWORD"))
//	...
//	client, err := bankingapi.New(bankingapi.Config{
//		Environment:  bankingapi.Production,
//		ClientID:     os.Getenv("BANKING_CLIENT_ID"),
//		ClientSecret: os.Getenv("BANKING_CLIENT_SECRET"),
//		Certificates: []tls.Certificate{cert},
//		RootCAs:      providerCAs,
//	})
package bankingapi
