package interop

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: a
// Source's refresh, a server's connection or a client's idle connection.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
