package harness

import (
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	FleetReplicaMain() // RunFleet's replicas are this test binary, started again
	// gin's debug mode prints every route registration; the benchmarks build
	// many engines.
	gin.SetMode(gin.ReleaseMode)
	goleak.VerifyTestMain(m)
}
