// Package divipay is a ready client for the DiviPay API.
//
// DiviPay is not OAuth2: the client POSTs {"client_id", "client_secret"} to
// /api/auth and receives 201 Created with {"token", "expireIn" (seconds),
// "expireOn", "type"}. Tokens live 24 hours and are renewed 5 minutes before
// expiry, as DiviPay's documentation advises. Refusals (401 invalid
// credentials, 403 API not enabled) come back as *outbound.Error with
// DiviPay's message and error, matching outbound.ErrInvalidCredentials and
// outbound.ErrForbidden.
//
//	client, err := divipay.New(divipay.Config{
//		Environment:  divipay.Production,
//		ClientID:     os.Getenv("DIVIPAY_CLIENT_ID"),
//		ClientSecret: os.Getenv("DIVIPAY_CLIENT_SECRET"),
//	})
//	...
//	resp, err := client.Get(divipay.ProductionURL + "/api/charge/abc123")
//
// DiviPay documents only its production URL: the Sandbox environment needs
// BaseURL. The client sends its credentials only to the base URL's host.
package divipay
