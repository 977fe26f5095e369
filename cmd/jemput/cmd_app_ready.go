package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
)

// runReadyHere is app list --ready-here: whose passports came along to the
// visit this event is.
func runReadyHere(ctx context.Context, app *App, svc *intake.Service) error {
	list, visit, err := svc.ReadyHere(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, a := range list {
			out = append(out, appJSON(app, a))
		}
		return app.WriteJSON(out)
	}
	if visit == nil {
		app.Note("acara ini bukan kunjungan yang direncanakan kantor (tempat dan tanggal tidak cocok dengan jadwal): tidak ada paspor yang dikirim ke sini",
			"this event is no visit the office planned (no place and date in the plan match it): no passports were sent here")
		return nil
	}
	if len(list) == 0 {
		app.Note("tidak ada paspor siap untuk kunjungan %s", "no passports ready for the visit %s", visit.Label())
		return nil
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("NOMOR\tNAMA\tNIK", "NUMBER\tNAME\tNIK"))
	for _, a := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Number, roleValue(svc, a, forms.RoleName), maskNIK(roleValue(svc, a, forms.RoleIdentityNumber)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	app.Note("%d paspor siap diserahkan pada kunjungan %s: jemput handover NOMOR", "%d passports ready to hand over at the visit %s: jemput handover NUMBER", len(list), visit.Label())
	return nil
}

// addStatusReason adds to an application's listing why it was voided or
// returned, so that a listing says what the day report says.
func addStatusReason(ctx context.Context, svc *intake.Service, a intake.Application, m map[string]any) error {
	if a.Status != intake.StatusVoided && a.Status != intake.StatusReturned {
		return nil
	}
	d, err := svc.Application(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, t := range d.Transitions {
		if t.To == a.Status {
			m["status_reason"] = t.Reason
		}
	}
	return nil
}
