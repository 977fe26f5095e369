package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newEventCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "event", Short: "Service events: open one before intake, close it after"}
	cmd.AddCommand(newEventOpenCommand(app), newEventListCommand(app), newEventCloseCommand(app))
	return cmd
}

func newEventOpenCommand(app *App) *cobra.Command {
	var in intake.NewEvent
	var typ string
	cmd := &cobra.Command{
		Use:   "open --type eazy-paspor|berkala|pos-terpadu|ulp --name N --place P [--date YYYY-MM-DD]",
		Short: "Open an event (supervisors only; one open event at a time)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			in.Type = intake.EventType(typ)
			ev, err := svc.OpenEvent(cmd.Context(), in)
			if err != nil {
				return err
			}
			if app.JSON {
				return app.WriteJSON(eventJSON(ev))
			}
			app.Say("Acara dibuka: %s (%s) di %s, %s. ID %s", "Event opened: %s (%s) at %s, %s. ID %s", ev.Name, ev.Type, ev.Place, ev.Date, ev.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "", "eazy-paspor, berkala, pos-terpadu or ulp")
	f.StringVar(&in.Name, "name", "", "event name")
	f.StringVar(&in.Place, "place", "", "where it takes place")
	f.StringVar(&in.Date, "date", "", "date YYYY-MM-DD (default today)")
	for _, n := range []string{"type", "name", "place"} {
		cmd.MarkFlagRequired(n)
	}
	return cmd
}

func newEventListCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List events, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.Events(cmd.Context())
			if err != nil {
				return err
			}
			if app.JSON {
				out := []map[string]any{}
				for _, ev := range list {
					out = append(out, eventJSON(ev))
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
		},
	}
}

func newEventCloseCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "close [ID]",
		Short: "Close the open event, or the one given (supervisors only)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			ev, err := svc.CloseEvent(cmd.Context(), id)
			if err != nil {
				return err
			}
			if app.JSON {
				return app.WriteJSON(eventJSON(ev))
			}
			app.Say("Acara ditutup: %s.", "Event closed: %s.", ev.Name)
			return nil
		},
	}
}

func eventJSON(ev intake.Event) map[string]any {
	m := map[string]any{"id": ev.ID, "type": ev.Type, "name": ev.Name, "place": ev.Place, "date": ev.Date, "open": ev.Open(), "opened_at": ev.OpenedAt}
	if !ev.Open() {
		m["closed_at"] = ev.ClosedAt
	}
	return m
}
