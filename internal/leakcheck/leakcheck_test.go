package leakcheck

import (
	"strings"
	"testing"
)

func TestRunningSeesAStartedGoroutine(t *testing.T) {
	stop := make(chan struct{})
	started := make(chan struct{})
	go func() {
		close(started)
		<-stop
	}()
	<-started
	found := false
	for _, s := range Running() {
		if strings.Contains(s, "TestRunningSeesAStartedGoroutine") {
			found = true
		}
	}
	close(stop)
	if !found {
		t.Fatal("Running did not report a goroutine blocked on a channel")
	}
	if leaked := wait(5e9); len(leaked) != 0 {
		t.Fatalf("after it returned, still running: %v", leaked)
	}
}

func TestRunningIgnoresTheTestingPackage(t *testing.T) {
	for _, s := range Running() {
		t.Errorf("unexpected goroutine: %s", s)
	}
}
