// Package webhooks verifies the webhook calls of the payment providers
// gatehouse's outbound presets talk to: one constructor per provider,
// returning an inbound.Validator for a middleware.Guard, configured as the
// provider documents its webhooks.
//
//   - Efí (Pix): mutual TLS against Efí's webhook CA, whose registration
//     probe, sent without a certificate, must be refused (Efi with Roots,
//     served with EfiServerTLS); or, in Efí's skip-mTLS mode, a secret
//     "hmac" query parameter from Efí's source address (Efi with HMAC).
//   - Asaas: the asaas-access-token header, optionally from Asaas's
//     documented addresses (Asaas).
//   - SoPague: an Access-Key header, or a Basic credential (SoPague).
//
// For providers that sign with Standard Webhooks, use
// inbound.StandardWebhook; for one that documents nothing (DiviPay), a
// secret query parameter (inbound.QuerySecret) with an IP allowlist.
//
// Every validator answers with the webhook codes of package inbound
// (missing_webhook_secret, invalid_webhook_secret,
// client_certificate_required, invalid_client_certificate, ...), without a
// WWW-Authenticate challenge, and keeps no secret in any error. Senders that
// behave as each provider does, for tests, are in package
// outbound/providertest.
package webhooks
