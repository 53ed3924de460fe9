package webhooks

import "net/netip"

// AsaasIPs are the addresses Asaas documents as the sources of its webhook
// calls. Asaas's Options.CheckSourceIP uses a copy taken at construction.
var AsaasIPs = []netip.Prefix{
	netip.MustParsePrefix("52.67.12.206/32"),
	netip.MustParsePrefix("18.230.8.159/32"),
	netip.MustParsePrefix("54.94.136.112/32"),
	netip.MustParsePrefix("54.94.183.101/32"),
}

// EfiIPs is the address Efí documents as the source of its webhook calls in
// skip-mTLS mode. Efi uses a copy taken at construction when
// EfiOptions.SourceIPs is nil.
var EfiIPs = []netip.Prefix{
	netip.MustParsePrefix("34.193.116.226/32"),
}
