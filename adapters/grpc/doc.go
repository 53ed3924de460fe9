// Package grpcauth puts gatehouse's guards on gRPC servers and its tokens on
// gRPC clients, written directly against google.golang.org/grpc.
//
// # Servers
//
// UnaryServerInterceptor and StreamServerInterceptor wrap a
// *middleware.Guard. Every call is checked by the Guard's validators as a
// read-only *http.Request:
//
//   - Method POST, URL.Path and RequestURI the full method name
//     ("/payments.v1.Payments/Get");
//   - Header the call's metadata, under canonical keys (authorization,
//     access_token, dpop, user-agent, x-forwarded-for, …); binary ("-bin")
//     metadata is left out;
//   - Host the :authority;
//   - RemoteAddr the peer's address, TLS the connection's TLS state (nil
//     without TLS);
//   - the call's context, Body http.NoBody.
//
// So inbound.BearerJWT, inbound.APIKey, inbound.UserAgent and
// inbound.IPAllowlist (with TrustedProxies and X-Forwarded-For) work
// unchanged, as do certificate-bound tokens (the TLS client certificate)
// and DPoP: a proof's htu is https://<authority>/<full method> over TLS
// (set inbound.DPoPOptions.Origin behind a proxy that terminates TLS).
// grpc-go clients append their own product token to the user agent
// (grpc.WithUserAgent("app/1.0") arrives as "app/1.0 grpc-go/1.84.0"), and
// always send one: inbound.UserAgent cannot tell a grpc-go client that set
// none.
//
// An accepted call reaches the handler with the inbound.Principal in its
// context (Principal reads it). A refused one never does: it is answered
// with a status whose code follows the *inbound.Error's HTTP status (Code:
// 401 Unauthenticated, 403 PermissionDenied, 400 InvalidArgument, 413
// ResourceExhausted, 503 Unavailable, anything else Internal) and whose
// message is the stable code and the description
// ("token_expired: the token has expired"), never a credential or an
// internal error's text. The WWW-Authenticate challenges an HTTP server
// would send go in the trailer metadata under "www-authenticate"
// (TrailerChallenge), a demanded DPoP nonce under "dpop-nonce". The Guard's
// hooks (OnAccept, OnReject) run as for HTTP, with the view.
//
// Methods are skipped with the Guard's own rule, middleware.Options.Skip,
// which sees the full method as the path; SkipMethods builds one:
//
//	g, err := middleware.New(validator, &middleware.Options{
//		Skip: grpcauth.SkipMethods("/grpc.health.v1.Health/"),
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(tlsConfig)),
//		grpc.ChainUnaryInterceptor(grpcauth.UnaryServerInterceptor(g)),
//		grpc.ChainStreamInterceptor(grpcauth.StreamServerInterceptor(g)))
//
// # Clients
//
// PerRPCCredentials spends an *outbound.Source's refresh-ahead token on
// every call, over TLS only; its UnaryClientInterceptor and
// StreamClientInterceptor forget a token the server refuses with
// Unauthenticated, and retry a unary call once with a new one.
package grpcauth
