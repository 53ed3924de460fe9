// A user's program for otel: gatehouseotel.New over an OpenTelemetry SDK
// meter provider, and a Source whose fetch it counts.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace/noop"
)

func main() {
	reader := sdkmetric.NewManualReader()
	tel, err := gatehouseotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), noop.NewTracerProvider())
	if err != nil {
		log.Fatal(err)
	}
	src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: "t", Type: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
	}), tel.Source("user-program", nil))
	if _, err := src.Token(context.Background()); err != nil {
		log.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == gatehouseotel.TokenFetches {
				fmt.Printf("otel: %s recorded after one fetch\n", m.Name)
				return
			}
		}
	}
	log.Fatalf("no %s metric after a fetch", gatehouseotel.TokenFetches)
}
