//go:build !unix

package pgtest

import (
	"os"
	"syscall"
)

func procAttr(*owner) *syscall.SysProcAttr { return nil }

func signalStop(p *os.Process) error { return p.Kill() }
