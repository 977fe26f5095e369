package main

import (
	"context"
	"fmt"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newAuditCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "The append-only, hash-chained audit log"}
	cmd.AddCommand(newAuditVerifyCommand(app, nil))
	return cmd
}

type auditVerifyOptions struct{}

func newAuditVerifyCommand(app *App, runF func(context.Context, *auditVerifyOptions) error) *cobra.Command {
	opts := &auditVerifyOptions{}
	return &cobra.Command{
		Use:   "verify",
		Short: "Check that no audit entry was changed or removed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAuditVerify(cmd.Context(), app, opts)
		},
	}
}

func runAuditVerify(ctx context.Context, app *App, opts *auditVerifyOptions) error {
	if _, err := app.service(ctx); err != nil {
		return err
	}
	rep, err := app.db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		if err := app.WriteJSON(map[string]any{"entries": rep.Entries, "head": rep.Head, "ok": len(rep.Problems) == 0 && rep.Keyed, "keyed": rep.Keyed, "problems": rep.Problems}); err != nil {
			return err
		}
	}
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Fprintf(app.Err, "  %s\n", p)
		}
		return intake.Errorf(intake.CodeConflict, "log audit rusak: %d masalah", "the audit log is broken: %d problems", len(rep.Problems))
	}
	if !rep.Keyed {
		// Hashes alone can be recomputed by anyone with the file: only
		// the kit's key marks tell an edit that did so.
		return intake.Errorf(intake.CodeNotLoggedIn, "rantai hash utuh (%d entri), tetapi tanda kunci hanya bisa diperiksa setelah masuk",
			"the hash chain is intact (%d entries), but log in to check the key marks", rep.Entries)
	}
	if !app.JSON {
		app.Say("Log audit utuh: %d entri, kepala %s, tanda kunci diperiksa", "Audit log intact: %d entries, head %s, key marks checked", rep.Entries, rep.Head[:16])
	}
	return nil
}
