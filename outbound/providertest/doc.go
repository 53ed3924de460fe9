// Package providertest runs fake payment providers in-process, for tests
// and demos: token endpoints and APIs that speak the wire format of Efí
// (Pix and Charges), SoPague (Gateway and Integration), DiviPay, the
// Banking API and Asaas exactly, success and error bodies alike; and a
// generic OAuth2 server (NewOAuth2) that enforces private_key_jwt,
// tls_client_auth and DPoP and issues JWT access tokens bound to the
// client's key or certificate (cnf), so that both sides of gatehouse can be
// tested against each other.
//
// For the receiving side, NewIssuer starts a JWT issuer (HS256, RS256,
// ES256 or EdDSA) that serves its key as a JWK Set and mints tokens with the
// claims a test asks for (cnf included: CertificateConfirmation,
// KeyConfirmation), to test an API guarded by inbound.BearerJWT without a
// real identity provider.
//
// Like httptest.NewServer, each constructor (NewEfi, NewSoPague,
// NewDiviPay, NewBankingAPI, NewAsaas) starts an HTTPS server on the
// loopback interface and needs no *testing.T; Close stops it. Every fake has
// its own throwaway CA: Client and RootCAs trust it, and the mTLS providers
// (Efí Pix, Banking API) issue client certificates bound to the credential
// (ClientCertificate, IssueClientCertificate), as tls.Certificate, PEM and
// PFX. The credentials a fake accepts are random unless Options sets them;
// read them with Credentials.
//
// Every path other than the token endpoint is a protected API path: with a
// valid token (on Asaas, the API key) it answers 200 with an APIResponse
// echoing the method, path and a hash of the body, so a test can check that
// a retried request arrived intact. Tokens are random, unique, expire after
// Options.TokenLifetime on the injectable Options.Now clock, and can be
// revoked at once with RevokeTokens.
//
// Knobs inject what real providers do on bad days: FailNext (5xx, or 429
// with Retry-After), GarbageNext (a success status with a body that is not
// JSON), HangNext (no answer until the client gives up), SetLatency,
// DisableAPIAccess (DiviPay's 403) and AllowIPs (the Banking API's 403).
// TokenRequests and APIRequests count what arrived, so a test can assert
// that a thousand API calls cost one token request.
//
// A user's test of code that calls DiviPay:
//
//	func TestCharge(t *testing.T) {
//		fake, err := providertest.NewDiviPay(nil)
//		if err != nil {
//			t.Fatal(err)
//		}
//		defer fake.Close()
//		cr := fake.Credentials()
//		client, err := divipay.New(divipay.Config{
//			BaseURL:      fake.BaseURL(),
//			ClientID:     cr.ClientID,
//			ClientSecret: cr.ClientSecret,
//			Base:         fake.Client().Transport,
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//		// ... exercise the code under test with client ...
//		if n := fake.TokenRequests(); n != 1 {
//			t.Errorf("%d token requests, want 1", n)
//		}
//	}
//
// The fakes model the documented behaviour of each provider; where a
// provider documents a status but not its body, the constructor's comment
// says which body the fake chose.
package providertest
