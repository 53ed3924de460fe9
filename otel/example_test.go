package gatehouseotel_test

import (
	"context"
	"fmt"
	"log"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound"
)

// A Source whose fetches are counted: three Token calls, one fetch, one
// caller that waited for it.
func ExampleTelemetry_Source() {
	reader := sdkmetric.NewManualReader()
	tel, err := gatehouseotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), nil)
	if err != nil {
		log.Fatal(err)
	}
	fetcher := outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: "t", Expiry: time.Now().Add(time.Hour)}, nil
	})
	src := outbound.NewSource(fetcher, tel.Source("example", nil))
	for range 3 {
		if _, err := src.Token(context.Background()); err != nil {
			log.Fatal(err)
		}
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			fmt.Println(m.Name, d.DataPoints[0].Value)
		case metricdata.Histogram[float64]:
			fmt.Println(m.Name, "count", d.DataPoints[0].Count)
		}
	}
	// Output:
	// gatehouse.token.fetches 1
	// gatehouse.token.fetch.duration count 1
	// gatehouse.token.waits 1
}
