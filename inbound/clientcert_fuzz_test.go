package inbound

import (
	"strings"
	"testing"
)

// FuzzClientCertChain fuzzes the RFC 9440 Client-Cert-Chain reader: it
// never panics, and never returns more than maxClientCertChainLen
// certificates.
func FuzzClientCertChain(f *testing.F) {
	for _, s := range []string{"", ":AAAA:", ":AAAA:, :BBBB:", "garbage", strings.Repeat(":MA==:,", 10), ",,, ,"} {
		f.Add(s, "")
		f.Add(s, ":AAAA:")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		certs, ok := clientCertChain([]string{a, b})
		if ok && len(certs) > maxClientCertChainLen {
			t.Fatalf("%d certificates", len(certs))
		}
		if !ok && certs != nil {
			t.Fatal("certificates returned with a refusal")
		}
	})
}
