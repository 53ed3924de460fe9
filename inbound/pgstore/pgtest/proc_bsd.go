//go:build unix && !linux

package pgtest

import "syscall"

func pdeath(a *syscall.SysProcAttr) *syscall.SysProcAttr { return a }
