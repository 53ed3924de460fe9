package leakcheck

import (
	"strings"
	"testing"
	"time"
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
	// The goroutines of earlier tests may still be on their way out.
	for _, s := range wait(5 * time.Second) {
		t.Errorf("unexpected goroutine: %s", s)
	}
}

func TestIgnoredExitingGoroutine(t *testing.T) {
	stack := "goroutine 5 [runnable]:\nruntime.goexit1()\n\t/go/src/runtime/proc.go:4431 +0x9d\n" +
		"created by testing.(*T).Run in goroutine 1"
	if !ignored(stack) {
		t.Error("a goroutine in goexit1 is counted as running")
	}
	if ignored("goroutine 7 [chan receive]:\nexample.com/p.worker()\n\t/p/p.go:10 +0x1") {
		t.Error("a goroutine blocked in user code is ignored")
	}
}
