package main

import (
	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/receipt"
)

// docLabels lists an application's missing documents by name.
func docLabels(a *App, app intake.Application) []string {
	f, err := forms.Get(app.FormID)
	var out []string
	for _, id := range app.Doc.Missing {
		if err != nil {
			out = append(out, id)
			continue
		}
		out = append(out, receipt.DocumentLabel(f, id).In(a.Lang))
	}
	return out
}
