// Package leakcheck fails a test binary that leaves goroutines running after
// its tests have finished.
//
// It does what go.uber.org/goleak's VerifyTestMain does, in a few dozen lines,
// because the root module keeps its module graph (test dependencies
// included) to the few libraries it needs; the satellite modules use goleak.
// Tests that run in a testing/synctest bubble get a stricter check for free:
// synctest.Test fails when a goroutine of the bubble is still blocked at the
// end.
package leakcheck
