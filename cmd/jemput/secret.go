package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/jemput/jemput/cmd/internal/cli"

	"golang.org/x/term"
)

// pinSource says where a PIN comes from: --pin-stdin, JEMPUT_PIN, or the
// terminal (asked without echo, twice when it is a new PIN).
type pinSource struct {
	stdin bool
}

func (a *App) readPIN(src pinSource, prompt string, confirm bool) (string, error) {
	if src.stdin {
		line, err := bufio.NewReader(a.In).ReadString('\n')
		if err != nil && line == "" {
			return "", cli.Usagef("%s", a.T("--pin-stdin: tidak ada PIN di masukan standar", "--pin-stdin: no PIN on standard input"))
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if p := a.Getenv("JEMPUT_PIN"); p != "" {
		return p, nil
	}
	f, ok := a.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", cli.Usagef("%s", a.T("PIN diperlukan: ketik di terminal, atau pakai --pin-stdin atau JEMPUT_PIN",
			"a PIN is needed: type it at a terminal, or use --pin-stdin or JEMPUT_PIN"))
	}
	for {
		fmt.Fprint(a.Err, prompt+": ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.Err)
		if err != nil {
			return "", err
		}
		if !confirm {
			return string(b), nil
		}
		fmt.Fprint(a.Err, a.T("Ulangi PIN", "Repeat the PIN")+": ")
		b2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.Err)
		if err != nil {
			return "", err
		}
		if string(b) == string(b2) {
			return string(b), nil
		}
		a.Note("PIN tidak sama, ulangi.", "The PINs differ, try again.")
	}
}
