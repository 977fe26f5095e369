package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/atomicfile"
	"github.com/spf13/cobra"
)

func newMirrorCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mirror",
		Short: "A second copy of the kit as the day happens: a USB stick's folder or a second laptop's share",
		Long: `After every change, before the command that made it reports success, the
kit is copied whole into each mirror folder that is there, sealed exactly
as the kit home is: only the kit's officers (their PINs) or the office (its
recovery key) can open it. A missing mirror (a stick pulled out) does not
stop intake: every command warns, and the first command after it is back
copies the kit there again. jemput restore --from FOLDER brings the kit
back on another laptop.`,
	}
	cmd.AddCommand(newMirrorAddCommand(app, nil), newMirrorStatusCommand(app, nil))
	return cmd
}

type mirrorAddOptions struct {
	Path string
}

func newMirrorAddCommand(app *App, runF func(context.Context, *mirrorAddOptions) error) *cobra.Command {
	opts := &mirrorAddOptions{}
	return &cobra.Command{
		Use:   "add PATH",
		Short: "Mirror the kit into a folder (supervisors): a USB stick's folder, or a second laptop's shared folder",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runMirrorAdd(cmd.Context(), app, opts)
		},
	}
}

func runMirrorAdd(ctx context.Context, app *App, opts *mirrorAddOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	if _, err := svc.Authorize(ctx, intake.RoleSupervisor); err != nil {
		return err
	}
	dir, err := filepath.Abs(opts.Path)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	home := app.homeAbs()
	if rel, err := filepath.Rel(home, dir); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return intake.Errorf(intake.CodeInvalid, "cermin %s ada di dalam folder kit: pakai flashdisk atau laptop lain", "the mirror %s is inside the kit home: use a USB stick or another laptop", dir)
	}
	code, uid, err := app.kitUID(ctx)
	if err != nil {
		return err
	}
	switch mark, err := readMark(dir); {
	case err == nil && mark.KitUID != uid:
		return intake.Errorf(intake.CodeConflict, "%s sudah menjadi cermin kit %s: pakai folder lain", "%s is already the mirror of kit %s: use another folder", dir, mark.KitCode)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return intake.Errorf(intake.CodeInvalid, "folder cermin %s tidak bisa dibuat: %v", "the mirror folder %s cannot be made: %v", dir, err)
		}
		b := fmt.Appendf(nil, `{"kit_code": %q, "kit_uid": %q, "added_at": %q}`+"\n", code, uid, app.Now().Format(time.RFC3339))
		if err := atomicfile.WriteFile(filepath.Join(dir, mirrorMarker), b, 0o600, false); err != nil {
			return intake.Errorf(intake.CodeInvalid, "folder cermin %s tidak bisa ditulis: %v", "the mirror folder %s cannot be written: %v", dir, err)
		}
	}
	// Recording the mirror is a committed change: it copies the kit there.
	if _, err := svc.AddMirror(ctx, dir); err != nil {
		return err
	}
	st := app.probeMirror(ctx, intake.Mirror{Path: dir}, uid)
	head, _, _ := app.db.AuditHead(ctx)
	if !st.Present || st.Head < head {
		return intake.Errorf(intake.CodeInternal, "kit belum tersalin ke %s", "the kit was not copied to %s", dir)
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"path": dir, "head": st.Head})
	}
	app.Say("Cermin %s ditambahkan: kit tersalin ke sana setelah setiap perubahan.", "Mirror %s added: the kit is copied there after every change.", dir)
	return nil
}

type mirrorStatusOptions struct{}

func newMirrorStatusCommand(app *App, runF func(context.Context, *mirrorStatusOptions) error) *cobra.Command {
	opts := &mirrorStatusOptions{}
	return &cobra.Command{
		Use:   "status",
		Short: "Say whether each mirror is there and how far behind it is",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runMirrorStatus(cmd.Context(), app, opts)
		},
	}
}

func runMirrorStatus(ctx context.Context, app *App, opts *mirrorStatusOptions) error {
	if _, err := app.service(ctx); err != nil {
		return err
	}
	list, err := app.mirrors(ctx)
	if err != nil {
		return err
	}
	head, _, err := app.db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, st := range list {
			m := map[string]any{"path": st.Path, "present": st.Present, "head": st.Head, "kit_head": head, "behind": head - st.Head}
			if !st.Present {
				m["why"] = st.Why
			} else {
				m["written_at"] = st.At.Format(time.RFC3339)
			}
			out = append(out, m)
		}
		return app.WriteJSON(out)
	}
	if len(list) == 0 {
		app.Say("Kit ini belum punya cermin: jemput mirror add FOLDER (pengawas).", "This kit has no mirror: jemput mirror add FOLDER (supervisor).")
		return &exitCodeError{cli.ExitError}
	}
	bad := false
	for _, st := range list {
		switch {
		case !st.Present:
			bad = true
			app.Say("HILANG  %s: %s", "MISSING %s: %s", st.Path, st.Why)
		case st.Head < head:
			bad = true
			app.Say("TERTINGGAL %s: %d entri di belakang kit (salinan %s)", "BEHIND  %s: %d entries behind the kit (copy of %s)", st.Path, head-st.Head, st.At.Format("2006-01-02 15:04:05"))
		default:
			app.Say("ok      %s: sama dengan kit (%d entri, salinan %s)", "ok      %s: up to date (%d entries, copy of %s)", st.Path, st.Head, st.At.Format("2006-01-02 15:04:05"))
		}
	}
	if bad {
		return &exitCodeError{cli.ExitError}
	}
	return nil
}
