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

func BenchmarkInbound(b *testing.B) {
	cases, err := InboundCases(testFixture(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.Name, c.Run)
	}
}
