package harness

import "testing"

// The benchmarks behind cmd/report, for go test -bench. For example:
//
//	go test -run '^$' -bench Outbound -benchtime 200ms ./internal/harness

func BenchmarkOutbound(b *testing.B) {
	for _, c := range OutboundCases() {
		b.Run(c.Name, c.Run)
	}
}

// BenchmarkSource measures Source.Token on a fresh token beside time.Now and
// x/oauth2's ReuseTokenSource. Run it with -cpu 1 for the serial figures the
// report takes (the report sets GOMAXPROCS 1 for them itself).
func BenchmarkSource(b *testing.B) {
	for _, c := range SourceCases() {
		b.Run(c.Name, c.Run)
	}
}

func BenchmarkInbound(b *testing.B) {
	cases, err := InboundCases(testFixture(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.Name, c.Run)
	}
}

func BenchmarkCrypto(b *testing.B) {
	cases, err := CryptoCases(testFixture(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.Name, c.Run)
	}
}
