package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newEventCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "event", Short: "Service events: open one before intake, close it after"}
	cmd.AddCommand(newEventOpenCommand(app, nil), newEventListCommand(app, nil), newEventCloseCommand(app, nil), newEventTurnedAwayCommand(app, nil))
	return cmd
}

type eventOpenOptions struct {
	Type, Name, Place, Date string
	Capacity                int
}

func newEventOpenCommand(app *App, runF func(context.Context, *eventOpenOptions) error) *cobra.Command {
	opts := &eventOpenOptions{}
	cmd := &cobra.Command{
		Use:   "open --type eazy-paspor|berkala|pos-terpadu|ulp --name N --place P [--date YYYY-MM-DD] [--capacity N]",
		Short: "Open an event (supervisors only; one open event at a time)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEventOpen(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Type, "type", "", "eazy-paspor, berkala, pos-terpadu or ulp")
	f.StringVar(&opts.Name, "name", "", "event name")
	f.StringVar(&opts.Place, "place", "", "where it takes place")
	f.StringVar(&opts.Date, "date", "", "date YYYY-MM-DD (default today)")
	f.IntVar(&opts.Capacity, "capacity", 0, "the day's quota of applicants (0 = none set)")
	for _, n := range []string{"type", "name", "place"} {
		cmd.MarkFlagRequired(n)
	}
	return cmd
}

func runEventOpen(ctx context.Context, app *App, opts *eventOpenOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	ev, err := svc.OpenEvent(ctx, intake.NewEvent{Type: intake.EventType(opts.Type), Name: opts.Name, Place: opts.Place, Date: opts.Date, Capacity: opts.Capacity})
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(eventJSON(app, ev))
	}
	app.Say("Acara dibuka: %s (%s) di %s, %s. ID %s", "Event opened: %s (%s) at %s, %s. ID %s", ev.Name, ev.Type, ev.Place, ev.Date, ev.ID)
	return nil
}

type eventListOptions struct{}

func newEventListCommand(app *App, runF func(context.Context, *eventListOptions) error) *cobra.Command {
	opts := &eventListOptions{}
	return &cobra.Command{
		Use:   "list",
		Short: "List events, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEventList(cmd.Context(), app, opts)
		},
	}
}

func runEventList(ctx context.Context, app *App, opts *eventListOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	list, err := svc.Events(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, ev := range list {
			out = append(out, eventJSON(app, ev))
		}
		return app.WriteJSON(out)
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("ID\tTANGGAL\tJENIS\tNAMA\tTEMPAT\tSTATUS", "ID\tDATE\tTYPE\tNAME\tPLACE\tSTATE"))
	for _, ev := range list {
		state := app.T("dibuka", "open")
		if !ev.Open() {
			state = app.T("ditutup", "closed")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ev.ID[:8], ev.Date, ev.Type, ev.Name, ev.Place, state)
	}
	return tw.Flush()
}

type eventCloseOptions struct {
	ID    string // "" = the open event
	Force bool   // close even with drafts or applications awaiting approval
}

func newEventCloseCommand(app *App, runF func(context.Context, *eventCloseOptions) error) *cobra.Command {
	opts := &eventCloseOptions{}
	cmd := &cobra.Command{
		Use:   "close [ID] [--force]",
		Short: "Close the open event, or the one given (supervisors only); says what is still open first",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEventClose(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "close even though drafts or applications awaiting approval are left")
	return cmd
}

func runEventClose(ctx context.Context, app *App, opts *eventCloseOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	force := opts.Force
	if !force {
		w, err := svc.EventWork(ctx, opts.ID)
		if err != nil {
			return err
		}
		if w.Open() {
			showOpenWork(app, svc, w)
			if app.isTerminal() {
				fmt.Fprint(app.Err, app.T("Tutup acara ini juga? [y/N] ", "Close this event all the same? [y/N] "))
				line, _ := bufio.NewReader(app.In).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "ya" && a != "yes" {
					app.Note("acara tidak ditutup", "the event was not closed")
					return &exitCodeError{cli.ExitError}
				}
				force = true
			}
		}
	}
	ev, err := svc.CloseEvent(ctx, opts.ID, force)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(eventJSON(app, ev))
	}
	app.Say("Acara ditutup: %s.", "Event closed: %s.", ev.Name)
	return nil
}

// showOpenWork lists, on stderr, what an event still has open.
func showOpenWork(app *App, svc *intake.Service, w intake.EventWork) {
	app.Note("acara %q masih punya:", "event %q still has:", w.Event.Name)
	for _, a := range w.Awaiting {
		fmt.Fprintf(app.Err, "  %s  %-10s  %s\n", refShort(a), a.Status, roleValue(svc, a, forms.RoleName))
	}
	if n := len(w.Awaiting); n > 0 {
		app.Note("  %d menunggu persetujuan (jemput review)", "  %d awaiting approval (jemput review)", n)
	}
	for _, a := range w.Drafts {
		fmt.Fprintf(app.Err, "  %s  %-10s  %s\n", refShort(a), a.Status, roleValue(svc, a, forms.RoleName))
	}
	if n := len(w.Drafts); n > 0 {
		app.Note("  %d draf (jemput intake --resume ID)", "  %d drafts (jemput intake --resume ID)", n)
	}
}

type eventTurnedAwayOptions struct {
	Count  int
	Reason string
	Note   string
}

func newEventTurnedAwayCommand(app *App, runF func(context.Context, *eventTurnedAwayOptions) error) *cobra.Command {
	opts := &eventTurnedAwayOptions{}
	cmd := &cobra.Command{
		Use:   "turned-away N --reason quota|documents|other [--note TEXT]",
		Short: "Record people who came to the open event but could not be served",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 {
				return cli.Usagef("%s: %s", args[0], app.T("jumlah orang harus bilangan bulat 1 atau lebih", "the number of people must be a whole number, 1 or more"))
			}
			opts.Count = n
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEventTurnedAway(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "quota (the day's capacity was reached), documents, or other")
	cmd.Flags().StringVar(&opts.Note, "note", "", "what happened, in a few words")
	cmd.MarkFlagRequired("reason")
	return cmd
}

func runEventTurnedAway(ctx context.Context, app *App, opts *eventTurnedAwayOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	t, err := svc.RecordTurnedAway(ctx, opts.Count, opts.Reason, opts.Note)
	if err != nil {
		return err
	}
	w, err := svc.EventWork(ctx, t.EventID)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"id": t.ID, "event_id": t.EventID, "count": t.Count, "reason": t.Reason, "note": t.Note,
			"at": t.At, "event_turned_away": w.TurnedAwayCount()})
	}
	app.Say("Tercatat %d orang tidak terlayani (%s); acara ini: %d orang.", "Recorded %d people turned away (%s); this event: %d people.",
		t.Count, t.Reason, w.TurnedAwayCount())
	return nil
}

func eventJSON(app *App, ev intake.Event) map[string]any {
	m := map[string]any{"id": ev.ID, "type": ev.Type, "name": ev.Name, "place": ev.Place, "date": ev.Date, "open": ev.Open(), "opened_at": app.inZone(ev.OpenedAt), "capacity": ev.Capacity}
	if !ev.Open() {
		m["closed_at"] = app.inZone(ev.ClosedAt)
	}
	return m
}

// noteQuota says, after a capture, when the day's capacity is reached:
// from then on the people who still come are the turned away the office's
// study needs counted.
func (a *App) noteQuota(ctx context.Context, svc *intake.Service, eventID string) {
	saved, capacity, err := svc.Quota(ctx, eventID)
	if err != nil || capacity == 0 || saved < capacity {
		return
	}
	a.Note("kuota hari ini %d tercapai (%d permohonan): catat yang tidak bisa dilayani dengan jemput event turned-away N --reason quota",
		"the day's capacity of %d is reached (%d applications): record the people who cannot be served with jemput event turned-away N --reason quota", capacity, saved)
}
