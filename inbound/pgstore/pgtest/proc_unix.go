//go:build unix

package pgtest

import (
	"os"
	"syscall"
)

func procAttr(o *owner) *syscall.SysProcAttr {
	a := pdeath(&syscall.SysProcAttr{})
	if o != nil {
		a.Credential = &syscall.Credential{Uid: o.uid, Gid: o.gid}
	}
	return a
}

// signalStop asks the server for a fast shutdown (SIGINT).
func signalStop(p *os.Process) error { return p.Signal(syscall.SIGINT) }
