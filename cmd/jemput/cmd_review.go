package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/forms"

	"github.com/spf13/cobra"
)

type reviewOptions struct {
	EventID string
}

func newReviewCommand(app *App, runF func(context.Context, *reviewOptions) error) *cobra.Command {
	opts := &reviewOptions{}
	cmd := &cobra.Command{
		Use:   "review [--event ID]",
		Short: "End of day: the applications awaiting approval, with what stands in their way (supervisors)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReview(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.EventID, "event", "", "event id (default the open event, else the latest)")
	cmd.AddCommand(newReviewApproveCommand(app, nil), newReviewReturnCommand(app, nil), newReviewRulesCommand(app, nil))
	return cmd
}

func runReview(ctx context.Context, app *App, opts *reviewOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	ev, items, err := svc.Review(ctx, opts.EventID)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, it := range items {
			m := appJSON(app, it.App)
			var same []string
			for _, o := range it.SameIdentity {
				same = append(same, o.Ref())
			}
			m["same_nik"] = nonNil(same)
			m["blocking"] = nonNil(it.Blocking)
			m["officer"] = officerJSON(it.Officer)
			out = append(out, m)
		}
		return app.WriteJSON(out)
	}
	app.Say("Acara %s (%s, %s): %d permohonan menunggu persetujuan.", "Event %s (%s, %s): %d applications awaiting approval.", ev.Name, ev.Place, ev.Date, len(items))
	if len(items) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("NOMOR\tSTATUS\tNAMA\tPETUGAS\tCATATAN", "NUMBER\tSTATUS\tNAME\tOFFICER\tNOTES"))
	ready := 0
	for _, it := range items {
		name := roleValue(svc, it.App, forms.RoleName)
		var notes []string
		if len(it.Missing) > 0 {
			notes = append(notes, app.T("kurang: ", "missing: ")+strings.Join(docLabels(app, it.App), ", "))
		}
		for _, o := range it.SameIdentity {
			notes = append(notes, app.T("NIK sama dengan ", "same NIK as ")+o.Ref())
		}
		for _, w := range it.Warnings {
			if w.Code != "duplicate_nik" {
				notes = append(notes, w.Message.In(app.Lang)) // a sentence, not a code
			}
		}
		for _, o := range it.App.Doc.Overridden {
			notes = append(notes, app.T("diloloskan: ", "overridden: ")+o.Message.In(app.Lang)+app.T(" (alasan: ", " (reason: ")+o.Reason+")")
		}
		if len(it.Blocking) == 0 {
			ready++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.App.Number, it.App.Status.Label().In(app.Lang), name, it.Officer.Name, strings.Join(notes, "; "))
	}
	tw.Flush()
	app.Note("%d siap disetujui dengan: jemput review approve --all", "%d can be approved with: jemput review approve --all", ready)
	return nil
}

type reviewApproveOptions struct {
	Numbers []string
	All     bool
	EventID string
}

func newReviewApproveCommand(app *App, runF func(context.Context, *reviewApproveOptions) error) *cobra.Command {
	opts := &reviewApproveOptions{}
	cmd := &cobra.Command{
		Use:   "approve NUMBER...|--all",
		Short: "Approve applications; --all approves those with nothing blocking",
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.All == (len(args) > 0) {
				return cli.Usagef("%s", app.T("beri nomor permohonan, atau --all", "give application numbers, or --all"))
			}
			opts.Numbers = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReviewApprove(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "approve every application awaiting approval with nothing blocking")
	cmd.Flags().StringVar(&opts.EventID, "event", "", "with --all: event id (default the open event, else the latest)")
	return cmd
}

func runReviewApprove(ctx context.Context, app *App, opts *reviewApproveOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	res, err := svc.Approve(ctx, opts.Numbers, opts.All, opts.EventID)
	if err != nil {
		return err
	}
	if app.JSON {
		var approved, skipped []string
		for _, a := range res.Approved {
			approved = append(approved, a.Number)
		}
		for _, it := range res.Skipped {
			skipped = append(skipped, it.App.Number)
		}
		return app.WriteJSON(map[string]any{"approved": nonNil(approved), "skipped": nonNil(skipped)})
	}
	for _, a := range res.Approved {
		fmt.Fprintln(app.Out, a.Number)
	}
	for _, it := range res.Skipped {
		app.Note("dilewati %s: %s", "left %s: %s", it.App.Number, strings.Join(it.Blocking, "; "))
	}
	app.Note("%d disetujui.", "%d approved.", len(res.Approved))
	return nil
}

type reviewReturnOptions struct {
	Number string
	Reason string
}

func newReviewReturnCommand(app *App, runF func(context.Context, *reviewReturnOptions) error) *cobra.Command {
	opts := &reviewReturnOptions{}
	cmd := &cobra.Command{
		Use:   "return NUMBER --reason TEXT",
		Short: "Send an application back to the officers with a reason",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Number = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReviewReturn(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why (required, recorded, shown to the officer)")
	cmd.MarkFlagRequired("reason")
	return cmd
}

func runReviewReturn(ctx context.Context, app *App, opts *reviewReturnOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	a, err := svc.Return(ctx, opts.Number, opts.Reason)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(appJSON(app, a))
	}
	app.Say("%s dikembalikan ke petugas.", "%s returned to the officers.", a.Number)
	return nil
}

type reviewRulesOptions struct {
	TwoPerson string
}

func newReviewRulesCommand(app *App, runF func(context.Context, *reviewRulesOptions) error) *cobra.Command {
	opts := &reviewRulesOptions{}
	cmd := &cobra.Command{
		Use:   "rules [--two-person on|off]",
		Short: "Show or set the approval rules: with --two-person on, nobody approves a version they captured (supervisors)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.TwoPerson != "" && opts.TwoPerson != "on" && opts.TwoPerson != "off" {
				return cli.Usagef("--two-person must be on or off, not %q", opts.TwoPerson)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReviewRules(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.TwoPerson, "two-person", "", "on: an officer cannot approve their own work; off: the default")
	return cmd
}

func runReviewRules(ctx context.Context, app *App, opts *reviewRulesOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	if opts.TwoPerson != "" {
		if err := svc.SetTwoPerson(ctx, opts.TwoPerson == "on"); err != nil {
			return err
		}
	}
	on, err := svc.TwoPerson(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"two_person": on})
	}
	if on {
		app.Say("Aturan dua orang: aktif (tidak ada yang menyetujui versi yang diisinya sendiri).", "Two-person rule: on (nobody approves a version they captured).")
	} else {
		app.Say("Aturan dua orang: tidak aktif.", "Two-person rule: off.")
	}
	return nil
}
