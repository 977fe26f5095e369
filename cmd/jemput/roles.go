package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

// Who may do what: one table, consulted by the root command before every
// command runs (gate), tested for every command of the tree
// (roles_test.go) and rendered in README.md. The domain checks the same
// roles again in each use case; the supervisor's checks also need the
// supervisor key, which only a supervisor's login unlocks.

// need is what a command asks of whoever runs it.
type need int

const (
	needNothing    need = iota // no login: setting up, logging in, checking
	needOfficer                // any logged-in officer or supervisor
	needSupervisor             // a logged-in supervisor
	needOffice                 // the central office (jemput-central)
)

type roleRow struct {
	Command string // as cobra names it: "jemput officer add"
	Need    need
	Note    string // said in the README
}

var roleTable = []roleRow{
	{"jemput init", needNothing, "makes the kit and its first supervisor"},
	{"jemput login", needNothing, "NIP and PIN; opens the kit's key"},
	{"jemput help", needNothing, "guides in both languages"},
	{"jemput forms list", needNothing, ""},
	{"jemput forms show", needNothing, ""},
	{"jemput receipt verify", needNothing, "reads the QR text only"},
	{"jemput doctor", needNothing, "checks keys, seals and acknowledged hashes only with a supervisor's session"},
	{"jemput audit verify", needNothing, "checks the key marks only with a session"},
	{"jemput restore", needNothing, "a supervisor's PIN or the office's recovery key opens the mirror"},
	{"jemput mirror status", needNothing, "whether each mirror is there and how far behind"},
	{"jemput logout", needOfficer, ""},
	{"jemput whoami", needOfficer, ""},
	{"jemput officer list", needOfficer, ""},
	{"jemput event list", needOfficer, ""},
	{"jemput intake", needOfficer, ""},
	{"jemput app list", needOfficer, ""},
	{"jemput app show", needOfficer, ""},
	{"jemput app edit", needOfficer, "a new version; only before it leaves the kit"},
	{"jemput app void", needOfficer, "with a reason; only before it leaves the kit"},
	{"jemput receipt", needOfficer, "a reprint says SALINAN / COPY"},
	{"jemput roster list", needOfficer, ""},
	{"jemput handover", needOfficer, ""},
	{"jemput sync limits", needOfficer, "changing them: supervisor"},
	{"jemput event turned-away", needOfficer, "counts people turned away"},
	{"jemput zone", needOfficer, "setting it: supervisor"},
	{"jemput officer add", needSupervisor, "adds a key slot"},
	{"jemput officer reset-pin", needSupervisor, "wraps the slot again"},
	{"jemput officer unlock", needSupervisor, ""},
	{"jemput officer disable", needSupervisor, "removes the key slot"},
	{"jemput event open", needSupervisor, ""},
	{"jemput event close", needSupervisor, ""},
	{"jemput roster import", needSupervisor, ""},
	{"jemput review", needSupervisor, ""},
	{"jemput review approve", needSupervisor, ""},
	{"jemput review return", needSupervisor, ""},
	{"jemput review rules", needSupervisor, "--two-person on: nobody approves their own work"},
	{"jemput enroll", needSupervisor, "seals the recovery slot to the office"},
	{"jemput sync", needSupervisor, ""},
	{"jemput sync export", needSupervisor, ""},
	{"jemput sync import-acks", needSupervisor, ""},
	{"jemput purge", needSupervisor, "only what the office confirmed"},
	{"jemput mirror add", needSupervisor, "a USB stick's folder or another laptop's share"},
	{"jemput report day", needSupervisor, ""},
	{"jemput-central serve", needOffice, ""},
	{"jemput-central kit add", needOffice, ""},
	{"jemput-central kit list", needOffice, ""},
	{"jemput-central kit recover", needOffice, "opens a kit with the office's key"},
	{"jemput-central kit revoke", needOffice, "a lost kit's requests and files are refused"},
	{"jemput-central kit backup", needOffice, "opens a kit's sealed backup of what it has not approved"},
	{"jemput-central import", needOffice, ""},
	{"jemput-central app list", needOffice, ""},
	{"jemput-central app status", needOffice, "accepted, rejected, ready"},
	{"jemput-central report demand", needOffice, ""},
	{"jemput-central visit add", needOffice, ""},
	{"jemput-central visit list", needOffice, ""},
}

func needOf(command string) (need, bool) {
	for _, r := range roleTable {
		if r.Command == command {
			return r.Need, true
		}
	}
	return 0, false
}

// gate refuses a command whose role the person logged in does not have,
// before the command asks for anything.
func (a *App) gate(ctx context.Context, cmd *cobra.Command) error {
	if !cmd.Runnable() || strings.HasPrefix(cmd.Name(), "__") || strings.HasPrefix(cmd.CommandPath(), "jemput completion") {
		return nil // cobra's own: shell completion, which reads no applicant data
	}
	n, ok := needOf(cmd.CommandPath())
	if !ok {
		return fmt.Errorf("%s is not in the roles table (cmd/jemput/roles.go)", cmd.CommandPath())
	}
	var role intake.Role
	switch n {
	case needNothing:
		return nil
	case needOfficer:
		role = intake.RoleOfficer
	case needSupervisor:
		role = intake.RoleSupervisor
	default:
		return fmt.Errorf("%s is the office's", cmd.CommandPath())
	}
	svc, err := a.service(ctx)
	if err != nil {
		return err
	}
	_, err = svc.Authorize(ctx, role)
	return err
}

// rolesMarkdown is the table as README.md shows it.
func rolesMarkdown() string {
	var b strings.Builder
	b.WriteString("| command | officer | supervisor | office | |\n| --- | :-: | :-: | :-: | --- |\n")
	for _, r := range roleTable {
		cells := map[need][3]string{
			needNothing:    {"✓", "✓", ""},
			needOfficer:    {"✓", "✓", ""},
			needSupervisor: {"", "✓", ""},
			needOffice:     {"", "", "✓"},
		}[r.Need]
		note := r.Note
		if r.Need == needNothing {
			note = strings.TrimSpace("no login; " + note)
			note = strings.TrimSuffix(note, "; ")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Command, cells[0], cells[1], cells[2], note)
	}
	return b.String()
}
