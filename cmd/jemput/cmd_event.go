package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newEventCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "event", Short: "Service events: open one before intake, close it after"}
	cmd.AddCommand(newEventOpenCommand(app, nil), newEventListCommand(app, nil), newEventCloseCommand(app, nil))
	return cmd
}

type eventOpenOptions struct {
	Type, Name, Place, Date string
}

func newEventOpenCommand(app *App, runF func(context.Context, *eventOpenOptions) error) *cobra.Command {
	opts := &eventOpenOptions{}
	cmd := &cobra.Command{
		Use:   "open --type eazy-paspor|berkala|pos-terpadu|ulp --name N --place P [--date YYYY-MM-DD]",
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
	ev, err := svc.OpenEvent(ctx, intake.NewEvent{Type: intake.EventType(opts.Type), Name: opts.Name, Place: opts.Place, Date: opts.Date})
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
	ID string // "" = the open event
}

func newEventCloseCommand(app *App, runF func(context.Context, *eventCloseOptions) error) *cobra.Command {
	opts := &eventCloseOptions{}
	return &cobra.Command{
		Use:   "close [ID]",
		Short: "Close the open event, or the one given (supervisors only)",
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
}

func runEventClose(ctx context.Context, app *App, opts *eventCloseOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	ev, err := svc.CloseEvent(ctx, opts.ID)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(eventJSON(app, ev))
	}
	app.Say("Acara ditutup: %s.", "Event closed: %s.", ev.Name)
	return nil
}

func eventJSON(app *App, ev intake.Event) map[string]any {
	m := map[string]any{"id": ev.ID, "type": ev.Type, "name": ev.Name, "place": ev.Place, "date": ev.Date, "open": ev.Open(), "opened_at": app.inZone(ev.OpenedAt)}
	if !ev.Open() {
		m["closed_at"] = app.inZone(ev.ClosedAt)
	}
	return m
}
