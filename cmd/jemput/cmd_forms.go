package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/lang"

	"github.com/jemput/jemput/forms"
	"github.com/spf13/cobra"
)

func newFormsCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "forms", Short: "The forms this kit knows (embedded, versioned)"}
	cmd.AddCommand(newFormsListCommand(app, nil), newFormsShowCommand(app, nil))
	return cmd
}

type formsListOptions struct{}

func newFormsListCommand(app *App, runF func(context.Context, *formsListOptions) error) *cobra.Command {
	opts := &formsListOptions{}
	return &cobra.Command{
		Use:   "list",
		Short: "List the forms",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFormsList(cmd.Context(), app, opts)
		},
	}
}

func runFormsList(ctx context.Context, app *App, opts *formsListOptions) error {
	var out []map[string]any
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	if !app.JSON {
		fmt.Fprintln(tw, app.T("FORMULIR\tVERSI\tJUDUL", "FORM\tVERSION\tTITLE"))
	}
	for _, name := range forms.Names() {
		f, err := forms.Get(name)
		if err != nil {
			return err
		}
		out = append(out, map[string]any{"id": f.ID, "version": f.Version, "title": f.Title})
		fmt.Fprintf(tw, "%s\t%d\t%s\n", f.ID, f.Version, f.Title.In(app.Lang))
	}
	if app.JSON {
		return app.WriteJSON(out)
	}
	return tw.Flush()
}

type formsShowOptions struct {
	Name string
}

func newFormsShowCommand(app *App, runF func(context.Context, *formsShowOptions) error) *cobra.Command {
	opts := &formsShowOptions{}
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a form's fields, allowed values and documents",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFormsShow(cmd.Context(), app, opts)
		},
	}
}

func runFormsShow(ctx context.Context, app *App, opts *formsShowOptions) error {
	f, err := forms.Get(opts.Name)
	if err != nil {
		return &cli.UsageError{Msg: checkText(err).In(app.Lang)}
	}
	if app.JSON {
		return app.WriteJSON(f)
	}
	fmt.Fprintf(app.Out, "%s v%d — %s\n", f.ID, f.Version, f.Title.In(app.Lang))
	if d := f.Description.In(app.Lang); d != "" {
		fmt.Fprintln(app.Out, d)
	}
	fmt.Fprintln(app.Out)
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("ISIAN\tLABEL\tJENIS\tKETENTUAN\tNILAI", "FIELD\tLABEL\tTYPE\tRULE\tVALUES"))
	for _, fd := range f.Fields {
		var vals []string
		for _, c := range fd.Values {
			// the code a data file carries, and what it means
			vals = append(vals, c.Value+" ("+c.Label.In(app.Lang)+")")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", fd.ID, fd.Label.In(app.Lang), typeName(app, fd.Type), fd.Requirement().In(app.Lang), strings.Join(vals, " | "))
	}
	tw.Flush()
	fmt.Fprintln(app.Out, app.T("\nDokumen:", "\nDocuments:"))
	for _, d := range f.Documents.Catalog {
		fmt.Fprintf(app.Out, "  %-30s %s\n", d.ID, d.Label.In(app.Lang))
	}
	return nil
}

// checkText returns the bilingual message of a forms error.
func checkText(err error) lang.Text {
	if ce, ok := err.(*forms.CheckError); ok {
		return ce.Message
	}
	return lang.Text{ID: err.Error(), EN: err.Error()}
}

// typeName is a field type as people call it.
func typeName(app *App, t forms.FieldType) string {
	names := map[forms.FieldType][2]string{
		forms.TypeText: {"teks", "text"}, forms.TypeName: {"nama", "name"}, forms.TypeDate: {"tanggal", "date"},
		forms.TypeEnum: {"pilihan", "choice"}, forms.TypeBool: {"ya/tidak", "yes/no"}, forms.TypeInt: {"bilangan", "whole number"},
		forms.TypeNIK: {"NIK", "NIK"}, forms.TypeKK: {"nomor KK", "KK number"}, forms.TypePhone: {"telepon", "phone"},
		forms.TypeEmail: {"surel", "e-mail"}, forms.TypeCountry: {"negara", "country"}, forms.TypeDocuments: {"dokumen", "documents"},
	}
	if n, ok := names[t]; ok {
		return app.T(n[0], n[1])
	}
	return string(t)
}
