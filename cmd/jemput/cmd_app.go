package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newAppCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "app", Short: "Find, show, correct and void applications"}
	cmd.AddCommand(newAppListCommand(app, nil), newAppShowCommand(app, nil), newAppEditCommand(app, nil), newAppVoidCommand(app, nil))
	return cmd
}

type appListOptions struct {
	EventID  string
	Status   string
	Search   string
	Limit    int
	LimitSet bool // --limit was given, 0 included
	// ReadyHere lists the passports the office said are ready to be
	// handed over at the visit the open event is.
	ReadyHere bool
}

func newAppListCommand(app *App, runF func(context.Context, *appListOptions) error) *cobra.Command {
	opts := &appListOptions{}
	cmd := &cobra.Command{
		Use:   "list [--event ID] [--status S] [--search TEXT]",
		Short: "List applications, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Status != "" {
				ok := false
				for _, s := range intake.Statuses {
					// the code, or what it is called in either language
					if l := s.Label(); strings.EqualFold(l.ID, opts.Status) || strings.EqualFold(l.EN, opts.Status) {
						opts.Status = string(s)
					}
					ok = ok || string(s) == opts.Status
				}
				if !ok {
					return cli.Usagef(app.T("--status %q: pilih salah satu dari %s", "--status %q: want one of %s"), opts.Status, statusListIn(app.Lang))
				}
			}
			opts.LimitSet = cmd.Flags().Changed("limit")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAppList(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.EventID, "event", "", "only this event")
	cmd.Flags().StringVar(&opts.Status, "status", "", "only this status: "+statusList())
	cmd.Flags().StringVar(&opts.Search, "search", "", "part of a name, a NIK or a number")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "at most this many (0 = all; without --json the default is 200)")
	cmd.Flags().BoolVar(&opts.ReadyHere, "ready-here", false, "the passports ready to be handed over at this event's visit")
	cmd.MarkFlagsMutuallyExclusive("ready-here", "search")
	cmd.MarkFlagsMutuallyExclusive("ready-here", "status")
	return cmd
}

func runAppList(ctx context.Context, app *App, opts *appListOptions) error {
	f := intake.Filter{EventID: opts.EventID, Status: intake.Status(opts.Status), Search: opts.Search, Limit: opts.Limit}
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	if opts.ReadyHere {
		return runReadyHere(ctx, app, svc)
	}
	if f.EventID != "" {
		ev, err := svc.Event(ctx, f.EventID)
		if err != nil {
			return err
		}
		f.EventID = ev.ID
	}
	// A person reads a screenful, not a regency: the table stops at
	// a few hundred unless asked for more. --json gives everything.
	shown := f.Limit
	if !app.JSON && !opts.LimitSet {
		f.Limit = defaultListLimit + 1
	}
	list, err := svc.Applications(ctx, f)
	if err != nil {
		return err
	}
	more := false
	if !app.JSON && shown == 0 && len(list) > defaultListLimit && !opts.LimitSet {
		list, more = list[:defaultListLimit], true
	}
	if app.JSON {
		out := []map[string]any{}
		for _, a := range list {
			m := appJSON(app, a)
			if err := addStatusReason(ctx, svc, a, m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return app.WriteJSON(out)
	}
	if len(list) == 0 {
		app.Note("tidak ada permohonan", "no applications")
		return nil
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("NOMOR\tSTATUS\tNAMA\tNIK\tFORMULIR\tWAKTU", "NUMBER\tSTATUS\tNAME\tNIK\tFORM\tTIME"))
	for _, a := range list {
		name, nik := roleValue(svc, a, forms.RoleName), roleValue(svc, a, forms.RoleIdentityNumber)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", refShort(a), a.Status.Label().In(app.Lang), name, maskNIK(nik), a.FormID, app.when(a.CreatedAt))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if more {
		app.Note("hanya %d yang terbaru ditampilkan: persempit dengan --search/--status, atau --limit 0 untuk semua",
			"only the newest %d shown: narrow it with --search/--status, or --limit 0 for all", defaultListLimit)
	}
	return nil
}

// defaultListLimit is how many applications app list shows a person.
const defaultListLimit = 200

func statusList() string {
	var s []string
	for _, st := range intake.Statuses {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

// statusListIn is statusList with what each code means in Indonesian.
func statusListIn(lang string) string {
	if lang == "en" {
		return statusList()
	}
	var s []string
	for _, st := range intake.Statuses {
		s = append(s, string(st)+" ("+st.Label().ID+")")
	}
	return strings.Join(s, ", ")
}

// refShort is the number, or the start of a draft's id (enough to resume it).
func refShort(a intake.Application) string {
	if a.Number != "" {
		return a.Number
	}
	return a.ID[:8]
}

// appJSON is the machine-readable form of an application: everything an
// authorised officer may see, the NIK included.
func appJSON(app *App, a intake.Application) map[string]any {
	m := map[string]any{
		"id": a.ID, "number": a.Number, "status": a.Status, "form": a.FormID, "form_version": a.FormVersion,
		"version": a.Version, "event_id": a.EventID, "officer_id": a.OfficerID,
		"created_at": app.inZone(a.CreatedAt), "updated_at": app.inZone(a.UpdatedAt), "values": a.Doc.Values,
		"warnings": app.issuesJSON(a.Doc.Warnings), "overridden": app.issuesJSON(a.Doc.Overridden),
		"missing": nonNil(a.Doc.Missing), "received": nonNil(a.Doc.Received), "fee": a.Doc.Fee.Total, "receipts": a.Receipts,
	}
	if a.RosterNo > 0 {
		m["roster_no"] = a.RosterNo
	}
	if a.Doc.Photo != nil {
		m["photo"] = a.Doc.Photo
	}
	if n, ok := a.Doc.Derived["mrz_name"]; ok {
		m["mrz_name"] = n
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type appShowOptions struct {
	Ref string // NUMBER|ID
}

func newAppShowCommand(app *App, runF func(context.Context, *appShowOptions) error) *cobra.Command {
	opts := &appShowOptions{}
	return &cobra.Command{
		Use:   "show NUMBER|ID",
		Short: "Show one application with its history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAppShow(cmd.Context(), app, opts)
		},
	}
}

func runAppShow(ctx context.Context, app *App, opts *appShowOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	d, err := svc.Application(ctx, opts.Ref)
	if err != nil {
		return err
	}
	sts, acks, err := svc.OfficeStatuses(ctx, d.App.ID)
	if err != nil {
		return err
	}
	if app.JSON {
		m := appJSON(app, d.App)
		var office []map[string]any
		for _, s := range sts {
			office = append(office, map[string]any{"status": s.Status, "reason": s.Reason, "pickup": s.Pickup, "at": app.inZone(s.At)})
		}
		m["office_statuses"] = office
		var ackList []map[string]any
		for _, a := range acks {
			ackList = append(ackList, map[string]any{"version": a.Version, "result": a.Result, "message": a.Message, "at": app.inZone(a.At)})
		}
		m["acks"] = ackList
		m["event"] = eventJSON(app, d.Event)
		m["officer"] = officerJSON(d.Officer)
		var hist []map[string]any
		for _, t := range d.Transitions {
			hist = append(hist, map[string]any{"from": t.From, "to": t.To, "at": app.inZone(t.At), "officer_id": t.OfficerID, "reason": t.Reason})
		}
		m["transitions"] = hist
		var vers []map[string]any
		for _, v := range d.Versions {
			vers = append(vers, map[string]any{"version": v.Version, "status": v.Status, "at": app.inZone(v.CreatedAt), "officer_id": v.OfficerID, "reason": v.Reason})
		}
		m["versions"] = vers
		return app.WriteJSON(m)
	}
	if err := showApplication(app, d); err != nil {
		return err
	}
	if len(acks) > 0 || len(sts) > 0 {
		fmt.Fprintln(app.Out, app.T("\nKantor pusat:", "\nCentral office:"))
	}
	for _, a := range acks {
		fmt.Fprintf(app.Out, app.T("  versi %d: %s %s\n", "  version %d: %s %s\n"), a.Version, a.Result, app.when(a.At))
	}
	for _, s := range sts {
		line := fmt.Sprintf("  %s  %s", app.when(s.At), s.Status.Label().In(app.Lang))
		if s.Reason != "" {
			line += " — " + s.Reason
		}
		if s.Pickup != "" {
			line += app.T(" — ambil: ", " — pickup: ") + s.Pickup
		}
		fmt.Fprintln(app.Out, line)
	}
	return nil
}

func showApplication(app *App, d intake.Detail) error {
	a := d.App
	w := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	f, ferr := forms.Get(a.FormID)
	p := func(label, value string) { fmt.Fprintf(w, "%s\t%s\n", label, value) }
	p(app.T("Nomor", "Number"), refShort(a))
	p("Status", a.Status.Label().In(app.Lang))
	if ferr == nil {
		p(app.T("Formulir", "Form"), fmt.Sprintf("%s v%d (%s)", a.FormID, a.FormVersion, f.Title.In(app.Lang)))
	}
	p(app.T("Acara", "Event"), fmt.Sprintf("%s — %s, %s", d.Event.Name, d.Event.Place, d.Event.Date))
	p(app.T("Petugas", "Officer"), fmt.Sprintf("%s (%s)", d.Officer.Name, d.Officer.NIP))
	p(app.T("Dibuat", "Created"), app.whenZoned(a.CreatedAt))
	p(app.T("Versi", "Version"), fmt.Sprint(a.Version))
	fmt.Fprintln(w)
	if ferr == nil {
		for _, fd := range f.Fields {
			v, ok := a.Doc.Values[fd.ID]
			if !ok {
				continue
			}
			p(fd.Label.In(app.Lang), displayValue(app, &fd, v))
		}
		var rest []string
		for k := range a.Doc.Values {
			if _, ok := f.Field(k); !ok {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		for _, k := range rest {
			p(k, fmt.Sprint(a.Doc.Values[k]))
		}
	}
	if n, ok := a.Doc.Derived["mrz_name"].(string); ok && n != "" {
		p(app.T("Nama di paspor (MRZ)", "Name in the passport (MRZ)"), n)
	}
	if a.Doc.Fee.Total > 0 {
		p(app.T("Perkiraan biaya", "Estimated fee"), rupiah(a.Doc.Fee.Total))
	}
	if a.Doc.Photo != nil {
		p(app.T("Foto", "Photo"), fmt.Sprintf("%d×%d, %d KB, sha256 %s", a.Doc.Photo.Width, a.Doc.Photo.Height, a.Doc.Photo.Size>>10, a.Doc.Photo.SHA256[:16]))
	}
	if len(a.Doc.Missing) > 0 {
		p(app.T("Dokumen kurang", "Documents missing"), strings.Join(docLabels(app, a), ", "))
	}
	w.Flush()
	for _, is := range a.Doc.Warnings {
		fmt.Fprintf(app.Out, app.T("peringatan: %s\n", "warning: %s\n"), app.issueLine(is))
	}
	for _, is := range a.Doc.Overridden {
		fmt.Fprintf(app.Out, app.T("diloloskan: %s — alasan: %s\n", "overridden: %s — reason: %s\n"), is.Field+": "+is.Message.In(app.Lang), is.Reason)
	}
	fmt.Fprintln(app.Out, app.T("\nRiwayat:", "\nHistory:"))
	var hf *forms.Form
	if ferr == nil {
		hf = f
	}
	for _, l := range historyLines(app, d, hf) {
		fmt.Fprintln(app.Out, l)
	}
	return nil
}

// historyLines is an application's history in time order: its status moves
// and, for each correction, what it changed.
func historyLines(app *App, d intake.Detail, f *forms.Form) []string {
	type entry struct {
		at    time.Time
		order int
		lines []string
	}
	var es []entry
	for i, t := range d.Transitions {
		from := t.From.Label().In(app.Lang)
		if t.From == "" {
			from = "—"
		}
		line := fmt.Sprintf("  %s  %s → %s", app.when(t.At), from, t.To.Label().In(app.Lang))
		if t.Reason != "" {
			line += "  (" + t.Reason + ")"
		}
		es = append(es, entry{t.At, 2*i + 1, []string{line}})
	}
	for i := 1; i < len(d.Versions); i++ {
		v, prev := d.Versions[i], d.Versions[i-1]
		head := fmt.Sprintf(app.T("  %s  versi %d", "  %s  version %d"), app.when(v.CreatedAt), v.Version)
		if v.Reason != "" {
			head += ": " + v.Reason
		}
		lines := []string{head}
		for _, c := range intake.Changes(f, prev.Doc, v.Doc) {
			lines = append(lines, "      "+changeLine(app, f, c))
		}
		// A version comes just before the move it caused at the same time.
		es = append(es, entry{v.CreatedAt, 2 * i, lines})
	}
	sort.SliceStable(es, func(i, j int) bool {
		if !es[i].at.Equal(es[j].at) {
			return es[i].at.Before(es[j].at)
		}
		return es[i].order < es[j].order
	})
	var out []string
	for _, e := range es {
		out = append(out, e.lines...)
	}
	return out
}

func changeLine(app *App, f *forms.Form, c intake.Change) string {
	label, show := c.Field, func(v any) string { return fmt.Sprint(v) }
	switch {
	case c.Field == "photo":
		label = app.T("Foto", "Photo")
		show = func(v any) string {
			if s, ok := v.(string); ok && len(s) > 12 {
				return s[:12]
			}
			return fmt.Sprint(v)
		}
	case strings.HasPrefix(c.Field, "override:"):
		label = app.T("alasan meloloskan ", "override reason for ") + strings.TrimPrefix(c.Field, "override:")
	default:
		if f != nil {
			if fd, ok := f.Field(c.Field); ok {
				label = fd.Label.In(app.Lang)
				show = func(v any) string { return displayValue(app, fd, v) }
			}
		}
	}
	from, to := "—", "—"
	if c.From != nil {
		from = show(c.From)
	}
	if c.To != nil {
		to = show(c.To)
	}
	return fmt.Sprintf("%s: %s → %s", label, from, to)
}

// displayValue shows a stored value the way a person reads it: the label of
// an allowed value, documents by name, yes/no.
func displayValue(app *App, fd *forms.Field, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return app.T("ya", "yes")
		}
		return app.T("tidak", "no")
	case string:
		if c, ok := fd.Choice(x); ok && len(fd.Values) > 0 {
			return c.Label.In(app.Lang)
		}
		if fd.Type == forms.TypeNIK {
			return x
		}
		return x
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v)
}

type appEditOptions struct {
	Ref       string // NUMBER|ID
	Data      string
	Photo     string
	Overrides []string // --override FIELD=REASON, as given
	Reason    string
	// Interactive asks field by field even when standard input is not a
	// terminal (without --data).
	Interactive bool

	OverrideReasons map[string]string // Overrides parsed, before the run
}

func newAppEditCommand(app *App, runF func(context.Context, *appEditOptions) error) *cobra.Command {
	opts := &appEditOptions{}
	cmd := &cobra.Command{
		Use:   "edit NUMBER|ID [--data FILE.json] [--reason TEXT] [--override FIELD=REASON]... [--photo FILE.jpg]",
		Short: "Correct an application: a new version, the old one kept",
		Long: `Correct an application that has not left the kit: it is checked like a new
one and stored as a new version, the old version kept; an edit that changes
nothing is refused. An approved application needs approving again.

Without --data, at a terminal, every field is asked with its current value
as the default (Enter keeps it), then what changes is shown before saving.
With --data, the file holds the whole corrected application.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			var err error
			if opts.OverrideReasons, err = parseOverrides(opts.Overrides); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Data == "" {
				if !opts.Interactive && !app.isTerminal() {
					return cli.Usagef("%s", app.T("tidak ada --data dan masukan bukan terminal: beri --data FILE.json dengan data lengkap yang sudah dikoreksi, atau --interactive",
						"no --data and standard input is not a terminal: give the whole corrected data with --data FILE.json, or --interactive"))
				}
				return runAppEditInteractive(cmd.Context(), app, opts)
			}
			return runAppEdit(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Data, "data", "", "the whole corrected application as JSON (a file, or - for standard input)")
	f.StringVar(&opts.Photo, "photo", "", "a new photo (JPEG); without it the photo stays")
	f.StringArrayVar(&opts.Overrides, "override", nil, "accept an overridable error: FIELD=REASON (repeatable)")
	f.StringVar(&opts.Reason, "reason", "", "why the correction is made (recorded)")
	f.BoolVar(&opts.Interactive, "interactive", false, "without --data: ask field by field even when standard input is not a terminal")
	return cmd
}

// runAppEditInteractive asks every field with its current value, shows
// what changes, asks the reason, and saves a new version.
func runAppEditInteractive(ctx context.Context, app *App, opts *appEditOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	photo, err := readPhoto(opts.Photo)
	if err != nil {
		return err
	}
	e, cur, err := svc.EditEntry(ctx, opts.Ref)
	if err != nil {
		return err
	}
	p := newPrompter(app, svc, e)
	for _, o := range cur.Doc.Overridden {
		p.overrides[o.Field] = o.Reason
	}
	for k, v := range opts.OverrideReasons {
		p.overrides[k] = v
	}
	c, err := p.runEdit(ctx, cur, e.Values, photo, opts.Reason)
	if errors.Is(err, errInterrupted) {
		app.Note("Dihentikan: %s tidak berubah.", "Stopped: %s is unchanged.", cur.Number)
		return &exitCodeError{130}
	}
	if err != nil {
		return err
	}
	app.Say("%s: versi %d tersimpan (%s).", "%s: version %d saved (%s).", c.App.Number, c.App.Version, c.App.Status.Label().In(app.Lang))
	app.Note("cetak tanda terima baru dengan: jemput receipt %s", "print a new receipt with: jemput receipt %s", c.App.Number)
	return nil
}

func runAppEdit(ctx context.Context, app *App, opts *appEditOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	data, err := app.readData(opts.Data)
	if err != nil {
		return err
	}
	photo, err := readPhoto(opts.Photo)
	if err != nil {
		return err
	}
	c, err := svc.Edit(ctx, intake.EditInput{ID: opts.Ref, Data: data, Overrides: opts.OverrideReasons, Photo: photo, Reason: opts.Reason})
	if err != nil {
		return err
	}
	if app.JSON {
		m := appJSON(app, c.App)
		m["warnings"] = app.issuesJSON(c.Warnings)
		return app.WriteJSON(m)
	}
	app.Say("%s: versi %d tersimpan (%s).", "%s: version %d saved (%s).", c.App.Number, c.App.Version, c.App.Status.Label().In(app.Lang))
	for _, w := range c.Warnings {
		fmt.Fprintf(app.Err, app.T("peringatan: %s\n", "warning: %s\n"), app.issueLine(w))
	}
	app.Note("cetak tanda terima baru dengan: jemput receipt %s", "print a new receipt with: jemput receipt %s", c.App.Number)
	return nil
}

type appVoidOptions struct {
	Ref    string // NUMBER|ID
	Reason string
}

func newAppVoidCommand(app *App, runF func(context.Context, *appVoidOptions) error) *cobra.Command {
	opts := &appVoidOptions{}
	cmd := &cobra.Command{
		Use:   "void NUMBER|ID --reason TEXT",
		Short: "Void an application that has not left the kit; the reason is recorded, nothing is deleted",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAppVoid(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why (required, recorded)")
	cmd.MarkFlagRequired("reason")
	return cmd
}

func runAppVoid(ctx context.Context, app *App, opts *appVoidOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	a, err := svc.Void(ctx, opts.Ref, opts.Reason)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(appJSON(app, a))
	}
	app.Say("%s dibatalkan.", "%s voided.", refShort(a))
	return nil
}

// rupiah formats an amount as Rp950.000.
func rupiah(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return "Rp" + b.String()
}

// roleValue is the value of the field that plays role in the application's
// form ("" when the form has no such field): listings show a name and a
// masked identity number whatever the form calls them.
func roleValue(svc *intake.Service, a intake.Application, role forms.Role) string {
	f, err := svc.Forms().Get(a.FormID)
	if err != nil {
		return ""
	}
	return f.RoleValue(role, a.Doc.Values)
}
