package centraltest

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill cmd when the benchmark's process ends,
// however it ends.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
