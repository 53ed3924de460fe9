package pgtest

import "syscall"

// pdeath makes the server quit when the test process dies without Close.
func pdeath(a *syscall.SysProcAttr) *syscall.SysProcAttr {
	a.Pdeathsig = syscall.SIGQUIT
	return a
}
