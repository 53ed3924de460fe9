// Package asaas is a ready client for the Asaas API, which authenticates
// with a static API key in the access_token header and requires a
// User-Agent on every request.
//
// Asaas's keys name their environment: production keys start with
// $aact_prod_ and sandbox keys with $aact_hmlg_. New refuses a key whose
// prefix does not match Config.Environment, so a production key is never sent
// to the sandbox or the reverse; EnvironmentOf reads the environment from a
// key for callers that want to follow it.
//
//	key := os.Getenv("ASAAS_API_KEY")
//	env, err := asaas.EnvironmentOf(key)
//	...
//	client, err := asaas.New(asaas.Config{Environment: env, APIKey: key, UserAgent: "shop/1.0"})
//	...
//	resp, err := client.Get(asaas.BaseURL(env) + "/customers")
//
// The client sends the key only to the configured base URL's host; a request
// for any other host fails with outbound.ErrHostNotAllowed before anything is
// sent. Asaas's 401 bodies ({"errors":[{"code","description"}]}) parse into
// *outbound.Error with outbound.ResponseError.
package asaas
