package harness_test

import (
	"fmt"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

// The outbound cases, as BenchmarkOutbound and cmd/report run them.
func ExampleOutboundCases() {
	for _, c := range harness.OutboundCases() {
		fmt.Println(c.Name)
	}
	// Output:
	// outbound/serial/bare
	// outbound/serial/x-oauth2
	// outbound/serial/gatehouse
	// outbound/parallel/bare
	// outbound/parallel/x-oauth2
	// outbound/parallel/gatehouse
}
