//go:build !linux

package e2e

import "os/exec"

// dieWithTest: only Linux can tie a child's life to its parent's; the
// cleanups kill the servers elsewhere.
func dieWithTest(cmd *exec.Cmd) {}
