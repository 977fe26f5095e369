package main

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/spf13/cobra"
)

// The flags and arguments of each command, parsed apart from its run
// (cli/cli style): the command is built with a run that only keeps its
// options, so no kit is opened and nothing is read or written.

// flagCase is one command line: the options it parses to, or the usage
// error it is refused with before the run.
type flagCase[O any] struct {
	args    []string
	want    O
	wantErr string
}

func testApp() *App {
	return &App{
		IO:     cli.IO{Lang: "en", In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		Home:   "/nonexistent/jemput-flag-test",
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) },
	}
}

func parse(cmd *cobra.Command, args ...string) error {
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

// checkFlags runs each case through a fresh command built by newCmd.
func checkFlags[O any](t *testing.T, newCmd func(*App, func(context.Context, *O) error) *cobra.Command, cases []flagCase[O]) {
	t.Helper()
	for i, tc := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var got *O
			err := parse(newCmd(testApp(), func(_ context.Context, o *O) error { got = o; return nil }), tc.args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%q: error %v, want %q", tc.args, err, tc.wantErr)
				}
				if !cli.IsUsage(err) {
					t.Errorf("%q: %v is not a usage error (exit %d)", tc.args, err, cli.ExitUsage)
				}
				if got != nil {
					t.Errorf("%q: ran with %+v despite the usage error", tc.args, *got)
				}
				return
			}
			if err != nil {
				t.Fatalf("%q: %v", tc.args, err)
			}
			if got == nil {
				t.Fatalf("%q: the run was not called", tc.args)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("%q:\n got %+v\nwant %+v", tc.args, *got, tc.want)
			}
		})
	}
}

const nip = "199001012015031001"

// flagTests holds the cases of every runnable command, by command path.
var flagTests = map[string]func(*testing.T){
	"init": func(t *testing.T) {
		checkFlags(t, newInitCommand, []flagCase[initOptions]{
			{args: []string{"--kit-code", "KTB01", "--office", "Kantor Imigrasi Batulicin", "--supervisor-nip", nip, "--supervisor-name", "Siti"},
				want: initOptions{KitCode: "KTB01", Office: "Kantor Imigrasi Batulicin", NIP: nip, Name: "Siti", Province: "63"}},
			{args: []string{"--kit-code", "KTB01", "--office", "O", "--supervisor-nip", nip, "--supervisor-name", "Siti", "--province", "31", "--zone", "Asia/Jakarta"},
				want: initOptions{KitCode: "KTB01", Office: "O", NIP: nip, Name: "Siti", Province: "31", Zone: "Asia/Jakarta"}},
			{args: []string{"--kit-code", "KTB01", "--office", "O", "--supervisor-nip", nip, "--supervisor-name", "Siti", "--pin-stdin"},
				want: initOptions{KitCode: "KTB01", Office: "O", NIP: nip, Name: "Siti", Province: "63", PIN: pinSource{stdin: true}}},
			{args: []string{"--kit-code", "KTB01", "--office", "O", "--supervisor-nip", nip}, wantErr: `required flag(s) "supervisor-name" not set`},
			{args: []string{"KTB01"}, wantErr: `unknown command "KTB01"`},
		})
	},
	"zone": func(t *testing.T) {
		checkFlags(t, newZoneCommand, []flagCase[zoneOptions]{
			{args: nil, want: zoneOptions{}},
			{args: []string{"Asia/Jakarta"}, want: zoneOptions{Set: "Asia/Jakarta"}},
			{args: []string{"Asia/Jakarta", "x"}, wantErr: "accepts at most 1 arg"},
		})
	},
	"officer add": func(t *testing.T) {
		checkFlags(t, newOfficerAddCommand, []flagCase[officerAddOptions]{
			{args: []string{"--nip", nip, "--name", "Budi"}, want: officerAddOptions{NIP: nip, Name: "Budi", Role: "officer"}},
			{args: []string{"--nip", nip, "--name", "Siti", "--role", "supervisor", "--pin-stdin"},
				want: officerAddOptions{NIP: nip, Name: "Siti", Role: "supervisor", PIN: pinSource{stdin: true}}},
			{args: []string{"--nip", nip, "--name", "Budi", "--role", "admin"}, wantErr: `--role must be officer or supervisor, not "admin"`},
			{args: []string{"--nip", nip}, wantErr: `required flag(s) "name" not set`},
			{args: []string{"--nip", nip, "--name", "Budi", "extra"}, wantErr: `unknown command "extra"`},
		})
	},
	"officer list": func(t *testing.T) {
		checkFlags(t, newOfficerListCommand, []flagCase[officerListOptions]{
			{args: nil, want: officerListOptions{}},
			{args: []string{"all"}, wantErr: `unknown command "all"`},
		})
	},
	"officer unlock": func(t *testing.T) {
		checkFlags(t, newOfficerUnlockCommand, []flagCase[officerUnlockOptions]{
			{args: []string{"--nip", nip}, want: officerUnlockOptions{NIP: nip}},
			{args: nil, wantErr: `required flag(s) "nip" not set`},
		})
	},
	"officer reset-pin": func(t *testing.T) {
		checkFlags(t, newOfficerResetPINCommand, []flagCase[officerResetPINOptions]{
			{args: []string{"--nip", nip}, want: officerResetPINOptions{NIP: nip}},
			{args: []string{"--nip", nip, "--pin-stdin"}, want: officerResetPINOptions{NIP: nip, PIN: pinSource{stdin: true}}},
			{args: []string{"--pin-stdin"}, wantErr: `required flag(s) "nip" not set`},
		})
	},
	"officer disable": func(t *testing.T) {
		checkFlags(t, newOfficerDisableCommand, []flagCase[officerDisableOptions]{
			{args: []string{"--nip", nip}, want: officerDisableOptions{NIP: nip}},
			{args: nil, wantErr: `required flag(s) "nip" not set`},
		})
	},
	"review rules": func(t *testing.T) {
		checkFlags(t, newReviewRulesCommand, []flagCase[reviewRulesOptions]{
			{args: nil, want: reviewRulesOptions{}},
			{args: []string{"--two-person", "on"}, want: reviewRulesOptions{TwoPerson: "on"}},
			{args: []string{"--two-person", "yes"}, wantErr: "--two-person must be on or off"},
		})
	},
	"purge": func(t *testing.T) {
		checkFlags(t, newPurgeCommand, []flagCase[purgeOptions]{
			{args: nil, want: purgeOptions{}},
			{args: []string{"--dry-run"}, want: purgeOptions{DryRun: true}},
			{args: []string{"KTB01-261127-0001-5"}, wantErr: "unknown command"},
		})
	},
	"login": func(t *testing.T) {
		checkFlags(t, newLoginCommand, []flagCase[loginOptions]{
			{args: []string{"--nip", nip}, want: loginOptions{NIP: nip}},
			{args: []string{"--nip", nip, "--for", "8h"}, want: loginOptions{NIP: nip, For: "8h"}},
			{args: []string{"--nip", nip, "--for", "3d"}, wantErr: "--for must be a duration between 1m and 24h"},
			{args: []string{"--nip", nip, "--pin-stdin"}, want: loginOptions{NIP: nip, PIN: pinSource{stdin: true}}},
			{args: nil, wantErr: `required flag(s) "nip" not set`},
			{args: []string{"--nip", nip, "--pin", "123456"}, wantErr: "unknown flag: --pin"},
		})
	},
	"logout": func(t *testing.T) {
		checkFlags(t, newLogoutCommand, []flagCase[logoutOptions]{
			{args: nil, want: logoutOptions{}},
			{args: []string{nip}, wantErr: "unknown command"},
		})
	},
	"whoami": func(t *testing.T) {
		checkFlags(t, newWhoamiCommand, []flagCase[whoamiOptions]{
			{args: nil, want: whoamiOptions{}},
			{args: []string{"me"}, wantErr: `unknown command "me"`},
		})
	},
	"event open": func(t *testing.T) {
		checkFlags(t, newEventOpenCommand, []flagCase[eventOpenOptions]{
			{args: []string{"--type", "eazy-paspor", "--name", "Eazy Paspor Kotabaru", "--place", "Kantor Camat"},
				want: eventOpenOptions{Type: "eazy-paspor", Name: "Eazy Paspor Kotabaru", Place: "Kantor Camat"}},
			{args: []string{"--type", "berkala", "--name", "N", "--place", "P", "--date", "2026-11-27"},
				want: eventOpenOptions{Type: "berkala", Name: "N", Place: "P", Date: "2026-11-27"}},
			{args: []string{"--type", "berkala", "--name", "N"}, wantErr: `required flag(s) "place" not set`},
			{args: []string{"--type", "berkala", "--name", "N", "--place", "P", "--capacity", "120"},
				want: eventOpenOptions{Type: "berkala", Name: "N", Place: "P", Capacity: 120}},
			{args: []string{"--type", "berkala", "--name", "N", "--place", "P", "--capacity", "banyak"}, wantErr: `invalid argument "banyak"`},
		})
	},
	"event list": func(t *testing.T) {
		checkFlags(t, newEventListCommand, []flagCase[eventListOptions]{
			{args: nil, want: eventListOptions{}},
			{args: []string{"open"}, wantErr: `unknown command "open"`},
		})
	},
	"event close": func(t *testing.T) {
		checkFlags(t, newEventCloseCommand, []flagCase[eventCloseOptions]{
			{args: nil, want: eventCloseOptions{}},
			{args: []string{"0b5f1c2e"}, want: eventCloseOptions{ID: "0b5f1c2e"}},
			{args: []string{"--force"}, want: eventCloseOptions{Force: true}},
			{args: []string{"a", "b"}, wantErr: "accepts at most 1 arg(s), received 2"},
		})
	},
	"roster import": func(t *testing.T) {
		checkFlags(t, newRosterImportCommand, []flagCase[rosterImportOptions]{
			{args: []string{"roster.csv"}, want: rosterImportOptions{File: "roster.csv"}},
			{args: []string{"roster.csv", "--event", "0b5f", "--skip-invalid"}, want: rosterImportOptions{File: "roster.csv", EventID: "0b5f", SkipInvalid: true}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
			{args: []string{"a.csv", "b.csv"}, wantErr: "accepts 1 arg(s), received 2"},
		})
	},
	"roster list": func(t *testing.T) {
		checkFlags(t, newRosterListCommand, []flagCase[rosterListOptions]{
			{args: nil, want: rosterListOptions{}},
			{args: []string{"--event", "0b5f"}, want: rosterListOptions{EventID: "0b5f"}},
		})
	},
	"forms list": func(t *testing.T) {
		checkFlags(t, newFormsListCommand, []flagCase[formsListOptions]{
			{args: nil, want: formsListOptions{}},
			{args: []string{"passport"}, wantErr: `unknown command "passport"`},
		})
	},
	"forms show": func(t *testing.T) {
		checkFlags(t, newFormsShowCommand, []flagCase[formsShowOptions]{
			{args: []string{"passport"}, want: formsShowOptions{Name: "passport"}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"intake": func(t *testing.T) {
		checkFlags(t, newIntakeCommand, []flagCase[intakeOptions]{
			{args: nil, want: intakeOptions{Format: "a4", OverrideReasons: map[string]string{}}},
			{args: []string{"--form", "stay-permit", "--data", "-", "--photo", "p.jpg", "--receipt", "r.pdf", "--format", "80mm", "--print", "--printer", "kasir",
				"--override", "full_name=sesuai KTP", "--override", " mother_name = seperti di KK "},
				want: intakeOptions{Form: "stay-permit", Data: "-", Photo: "p.jpg", Receipt: "r.pdf", Format: "80mm", Print: true, Printer: "kasir",
					Overrides:       []string{"full_name=sesuai KTP", " mother_name = seperti di KK "},
					OverrideReasons: map[string]string{"full_name": "sesuai KTP", "mother_name": "seperti di KK"}}},
			{args: []string{"--from-roster", "3", "--interactive"}, want: intakeOptions{FromRoster: 3, Interactive: true, Format: "a4", OverrideReasons: map[string]string{}}},
			{args: []string{"--from-roster", "3", "--confirm-roster", "--data", "d.json"}, want: intakeOptions{FromRoster: 3, ConfirmRoster: true, Data: "d.json", Format: "a4", OverrideReasons: map[string]string{}}},
			{args: []string{"--resume", "0b5f1c2e"}, want: intakeOptions{Resume: "0b5f1c2e", Format: "a4", OverrideReasons: map[string]string{}}},
			{args: []string{"--format", "letter"}, wantErr: `--format must be a4 or 80mm, not "letter"`},
			{args: []string{"--printer", "kasir"}, wantErr: "--printer goes with --print"},
			{args: []string{"--override", "full_name"}, wantErr: `--override "full_name": want FIELD=REASON, with a reason`},
			{args: []string{"--override", "full_name= "}, wantErr: "want FIELD=REASON"},
			{args: []string{"--override", "=sesuai KTP"}, wantErr: "want FIELD=REASON"},
			{args: []string{"--override", "x", "--format", "letter"}, wantErr: "--override"}, // the overrides are checked first, as before
			{args: []string{"--from-roster", "three"}, wantErr: "invalid argument"},
			{args: []string{"data.json"}, wantErr: `unknown command "data.json"`},
		})
	},
	"app list": func(t *testing.T) {
		checkFlags(t, newAppListCommand, []flagCase[appListOptions]{
			{args: nil, want: appListOptions{}},
			{args: []string{"--event", "0b5f", "--status", "approved", "--search", "Siti"}, want: appListOptions{EventID: "0b5f", Status: "approved", Search: "Siti"}},
			{args: []string{"--limit", "0"}, want: appListOptions{LimitSet: true}},
			{args: []string{"--limit", "20"}, want: appListOptions{Limit: 20, LimitSet: true}},
			{args: []string{"--status", "lost"}, wantErr: `--status "lost": want one of`},
			{args: []string{"--ready-here"}, want: appListOptions{ReadyHere: true}},
			{args: []string{"--ready-here", "--search", "Siti"}, wantErr: "none of the others can be"},
		})
	},
	"app show": func(t *testing.T) {
		checkFlags(t, newAppShowCommand, []flagCase[appShowOptions]{
			{args: []string{"KTB01-261127-0001-7"}, want: appShowOptions{Ref: "KTB01-261127-0001-7"}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"app edit": func(t *testing.T) {
		checkFlags(t, newAppEditCommand, []flagCase[appEditOptions]{
			{args: []string{"KTB01-261127-0001-7", "--data", "fixed.json"}, want: appEditOptions{Ref: "KTB01-261127-0001-7", Data: "fixed.json", OverrideReasons: map[string]string{}}},
			{args: []string{"a1", "--data", "-", "--photo", "new.jpg", "--reason", "salah ketik", "--override", "full_name=sesuai KTP"},
				want: appEditOptions{Ref: "a1", Data: "-", Photo: "new.jpg", Reason: "salah ketik",
					Overrides: []string{"full_name=sesuai KTP"}, OverrideReasons: map[string]string{"full_name": "sesuai KTP"}}},
			{args: []string{"a1"}, want: appEditOptions{Ref: "a1", OverrideReasons: map[string]string{}}}, // field by field
			{args: []string{"a1", "--interactive"}, want: appEditOptions{Ref: "a1", Interactive: true, OverrideReasons: map[string]string{}}},
			{args: []string{"a1", "--data", "d.json", "--override", "full_name"}, wantErr: "want FIELD=REASON"},
			{args: []string{"a1", "--override", "full_name"}, wantErr: "want FIELD=REASON"},
			{args: []string{"--data", "d.json"}, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"app void": func(t *testing.T) {
		checkFlags(t, newAppVoidCommand, []flagCase[appVoidOptions]{
			{args: []string{"a1", "--reason", "dobel"}, want: appVoidOptions{Ref: "a1", Reason: "dobel"}},
			{args: []string{"a1"}, wantErr: `required flag(s) "reason" not set`},
			{args: []string{"--reason", "dobel"}, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"receipt": func(t *testing.T) {
		checkFlags(t, newReceiptCommand, []flagCase[receiptOptions]{
			{args: []string{"KTB01-261127-0001-7"}, want: receiptOptions{Ref: "KTB01-261127-0001-7", receiptOutput: receiptOutput{Format: "a4"}}},
			{args: []string{"a1", "--out", "copy.pdf", "--force", "--format", "80mm", "--print", "--printer", "kasir"},
				want: receiptOptions{Ref: "a1", receiptOutput: receiptOutput{Out: "copy.pdf", Force: true, Format: "80mm", Print: true, Printer: "kasir"}}},
			{args: []string{"a1", "--format", "a5"}, wantErr: `--format must be a4 or 80mm, not "a5"`},
			{args: []string{"a1", "--printer", "kasir"}, wantErr: "--printer goes with --print"},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"receipt verify": func(t *testing.T) {
		checkFlags(t, newReceiptVerifyCommand, []flagCase[receiptVerifyOptions]{
			{args: []string{"JMP1.KTB01.abc"}, want: receiptVerifyOptions{Text: "JMP1.KTB01.abc"}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"review": func(t *testing.T) {
		checkFlags(t, newReviewCommand, []flagCase[reviewOptions]{
			{args: nil, want: reviewOptions{}},
			{args: []string{"--event", "0b5f"}, want: reviewOptions{EventID: "0b5f"}},
			{args: []string{"today"}, wantErr: `unknown command "today"`},
		})
	},
	"review approve": func(t *testing.T) {
		checkFlags(t, newReviewApproveCommand, []flagCase[reviewApproveOptions]{
			{args: []string{"KTB01-261127-0001-7", "KTB01-261127-0002-5"}, want: reviewApproveOptions{Numbers: []string{"KTB01-261127-0001-7", "KTB01-261127-0002-5"}}},
			{args: []string{"--all"}, want: reviewApproveOptions{All: true, Numbers: []string{}}},
			{args: []string{"--all", "--event", "0b5f"}, want: reviewApproveOptions{All: true, EventID: "0b5f", Numbers: []string{}}},
			{args: nil, wantErr: "give application numbers, or --all"},
			{args: []string{"--all", "KTB01-261127-0001-7"}, wantErr: "give application numbers, or --all"},
		})
	},
	"review return": func(t *testing.T) {
		checkFlags(t, newReviewReturnCommand, []flagCase[reviewReturnOptions]{
			{args: []string{"KTB01-261127-0001-7", "--reason", "foto buram"}, want: reviewReturnOptions{Number: "KTB01-261127-0001-7", Reason: "foto buram"}},
			{args: []string{"KTB01-261127-0001-7"}, wantErr: `required flag(s) "reason" not set`},
			{args: []string{"a", "b", "--reason", "r"}, wantErr: "accepts 1 arg(s), received 2"},
		})
	},
	"enroll": func(t *testing.T) {
		checkFlags(t, newEnrollCommand, []flagCase[enrollOptions]{
			{args: []string{"--central", "https://sync.example.go.id", "--token", "T0K3N"}, want: enrollOptions{Central: "https://sync.example.go.id", Token: "T0K3N"}},
			{args: []string{"--central", "http://10.0.0.2:8443", "--token", "T", "--insecure-http"}, want: enrollOptions{Central: "http://10.0.0.2:8443", Token: "T", InsecureHTTP: true}},
			{args: []string{"--central", "https://sync.example.go.id"}, wantErr: `required flag(s) "token" not set`},
		})
	},
	"sync": func(t *testing.T) {
		checkFlags(t, newSyncCommand, []flagCase[syncOptions]{
			{args: nil, want: syncOptions{Every: 5 * time.Minute}},
			{args: []string{"--dry-run"}, want: syncOptions{DryRun: true, Every: 5 * time.Minute}},
			{args: []string{"--backup"}, want: syncOptions{Backup: true, Every: 5 * time.Minute}},
			{args: []string{"--continuous", "--every", "30s"}, want: syncOptions{Continuous: true, Every: 30 * time.Second}},
			{args: []string{"--every", "soon"}, wantErr: `invalid argument "soon" for "--every"`},
			{args: []string{"now"}, wantErr: `unknown command "now"`},
		})
	},
	"mirror add": func(t *testing.T) {
		checkFlags(t, newMirrorAddCommand, []flagCase[mirrorAddOptions]{
			{args: []string{"/media/usb/KTB01"}, want: mirrorAddOptions{Path: "/media/usb/KTB01"}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"mirror status": func(t *testing.T) {
		checkFlags(t, newMirrorStatusCommand, []flagCase[mirrorStatusOptions]{
			{args: nil, want: mirrorStatusOptions{}},
			{args: []string{"/media/usb"}, wantErr: `unknown command "/media/usb"`},
		})
	},
	"restore": func(t *testing.T) {
		checkFlags(t, newRestoreCommand, []flagCase[restoreOptions]{
			{args: []string{"--from", "/media/usb/KTB01", "--nip", "198001012005011001"}, want: restoreOptions{From: "/media/usb/KTB01", NIP: "198001012005011001"}},
			{args: []string{"--from", "m", "--nip", "1", "--pin-stdin"}, want: restoreOptions{From: "m", NIP: "1", PIN: pinSource{stdin: true}}},
			{args: []string{"--from", "m", "--recovery-key", "office.key"}, want: restoreOptions{From: "m", RecoveryKey: "office.key"}},
			{args: []string{"--nip", "1"}, wantErr: "--from is required"},
			{args: []string{"--from", "m"}, wantErr: "give one of --nip NIP (a supervisor's PIN) or --recovery-key FILE"},
			{args: []string{"--from", "m", "--nip", "1", "--recovery-key", "k"}, wantErr: "give one of --nip"},
		})
	},
	"sync export": func(t *testing.T) {
		checkFlags(t, newSyncExportCommand, []flagCase[syncExportOptions]{
			{args: []string{"--out", "/media/usb/KTB01.jexp"}, want: syncExportOptions{Out: "/media/usb/KTB01.jexp"}},
			{args: []string{"--out", "x.jexp", "--force"}, want: syncExportOptions{Out: "x.jexp", Force: true}},
			{args: nil, wantErr: `required flag(s) "out" not set`},
		})
	},
	"sync import-acks": func(t *testing.T) {
		checkFlags(t, newSyncImportAcksCommand, []flagCase[syncImportAcksOptions]{
			{args: []string{"KTB01.jexp.acks"}, want: syncImportAcksOptions{File: "KTB01.jexp.acks"}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"sync limits": func(t *testing.T) {
		checkFlags(t, newSyncLimitsCommand, []flagCase[syncLimitsOptions]{
			{args: nil, want: syncLimitsOptions{}},
			{args: []string{"--days", "3"}, want: syncLimitsOptions{Days: 3, DaysSet: true}},
			{args: []string{"--apps", "0"}, want: syncLimitsOptions{AppsSet: true}},
			// a negative limit is refused in the run, after the kit says
			// whether this officer may set limits at all
			{args: []string{"--days", "-1", "--apps", "100"}, want: syncLimitsOptions{Days: -1, Apps: 100, DaysSet: true, AppsSet: true}},
			{args: []string{"--days", "a week"}, wantErr: "invalid argument"},
		})
	},
	"handover": func(t *testing.T) {
		checkFlags(t, newHandoverCommand, []flagCase[handoverOptions]{
			{args: []string{"KTB01-261127-0001-7"}, want: handoverOptions{Number: "KTB01-261127-0001-7"}},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	},
	"audit verify": func(t *testing.T) {
		checkFlags(t, newAuditVerifyCommand, []flagCase[auditVerifyOptions]{
			{args: nil, want: auditVerifyOptions{}},
			{args: []string{"all"}, wantErr: `unknown command "all"`},
		})
	},
	"doctor": func(t *testing.T) {
		checkFlags(t, newDoctorCommand, []flagCase[doctorOptions]{
			{args: nil, want: doctorOptions{}},
			{args: []string{"--printer", "thermal-1"}, want: doctorOptions{Printer: "thermal-1"}},
			{args: []string{"--fix"}, wantErr: "unknown flag: --fix"},
		})
	},
}

func TestFlags(t *testing.T) {
	for _, path := range sortedKeys(flagTests) {
		t.Run(strings.ReplaceAll(path, " ", "_"), flagTests[path])
	}
}

// TestEveryCommandHasFlagTests keeps flagTests in step with the command
// tree: a command added to root.go needs its cases here.
func TestEveryCommandHasFlagTests(t *testing.T) {
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() {
				path := strings.TrimPrefix(sub.CommandPath(), "jemput ")
				seen[path] = true
				if flagTests[path] == nil {
					t.Errorf("jemput %s has no flag tests in flagTests", path)
				}
			}
			walk(sub)
		}
	}
	walk(newRootCommand(testApp()))
	for path := range flagTests {
		if !seen[path] {
			t.Errorf("flagTests has %q, which is not a command of jemput", path)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
