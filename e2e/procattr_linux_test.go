package e2e

import (
	"os/exec"
	"syscall"
)

// dieWithTest has the kernel kill a server if the test process dies
// first (a panic, a timeout): no office is left running.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
