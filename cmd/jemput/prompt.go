package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
)

// prompter runs interactive intake: it asks field by field, checks each
// answer as it comes, shows a summary, and keeps an interrupted entry as a
// draft.
type prompter struct {
	app       *App
	svc       *intake.Service
	form      *forms.Form
	fc        forms.Context // the checks' context, the same as Capture's
	event     intake.Event
	lines     chan string
	overrides map[string]string
}

// errInterrupted is returned by ask when the officer stops (Ctrl-C, Ctrl-D).
var errInterrupted = errors.New("interrupted")

func newPrompter(app *App, svc *intake.Service, e intake.Entry) *prompter {
	p := &prompter{app: app, svc: svc, form: e.Form, fc: e.Context, event: e.Event, lines: make(chan string), overrides: map[string]string{}}
	p.fc.Overrides = p.overrides
	go func() {
		sc := bufio.NewScanner(app.In)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	return p
}

func (p *prompter) printf(format string, args ...any) { fmt.Fprintf(p.app.Err, format, args...) }

// ask shows a prompt and waits for one line.
func (p *prompter) ask(ctx context.Context, prompt string) (string, error) {
	p.printf("%s", prompt)
	select {
	case <-ctx.Done():
		p.printf("\n")
		return "", errInterrupted
	case line, ok := <-p.lines:
		if !ok {
			p.printf("\n")
			return "", errInterrupted
		}
		return strings.TrimSpace(line), nil
	}
}

// answers is what Capture and Preview get: every field of the form, with
// nil for those left empty or not asked, so that a value removed here is
// removed from the roster entry's or the draft's beneath it too.
func (p *prompter) answers(values map[string]any) map[string]any {
	data := map[string]any{"form": p.form.ID}
	for _, fd := range p.form.Fields {
		data[fd.ID] = values[fd.ID]
	}
	return data
}

func (p *prompter) run(ctx context.Context, values map[string]any, in intake.CaptureInput, opts intakeOptions) error {
	a := p.app
	ev, fc := p.event, p.fc
	for k, v := range in.Overrides {
		p.overrides[k] = v
	}
	var err error
	p.printf("%s — %s (%s, %s)\n", p.form.Title.In(a.Lang), ev.Name, ev.Place, ev.Type)
	p.printf("%s\n\n", a.T("Enter = nilai dalam [kurung]; '-' = kosongkan; '?' = petunjuk; Ctrl-C atau Ctrl-D = simpan sebagai draf.",
		"Enter = the value in [brackets]; '-' = leave empty; '?' = help; Ctrl-C or Ctrl-D = keep as a draft."))
	err = p.askAll(ctx, values, fc)
	for err == nil {
		in.Data, in.Overrides = p.answers(values), p.overrides
		var pre intake.Captured
		if pre, err = p.svc.Preview(ctx, in); err != nil {
			break
		}
		res := pre.Result
		if !res.OK() {
			p.printf("\n%s\n", a.T("Masih ada yang salah:", "Still wrong:"))
			var again []string
			for _, is := range res.Errors {
				p.printf("  %s\n", a.issueLine(is))
				again = append(again, is.Field)
			}
			for _, id := range again {
				if _, ok := p.form.Field(id); !ok {
					continue
				}
				if err = p.askField(ctx, id, values, fc); err != nil {
					break
				}
			}
			continue
		}
		p.summary(values, res, pre.Warnings)
		var answer string
		answer, err = p.ask(ctx, a.T("Simpan? [Y/t, atau nama isian untuk diubah] ", "Save? [Y/n, or a field name to change] "))
		if err != nil {
			break
		}
		switch strings.ToLower(answer) {
		case "", "y", "ya", "yes":
			return a.capture(ctx, p.svc, in, opts)
		case "n", "t", "no", "tidak":
			answer, err = p.ask(ctx, a.T("Isian yang diubah: ", "Field to change: "))
		}
		if err != nil {
			break
		}
		if id := p.fieldByName(answer); id != "" {
			err = p.askField(ctx, id, values, fc)
		}
	}
	if errors.Is(err, errInterrupted) {
		return p.keepDraft(ctx, values, in)
	}
	return err
}

// fieldByName finds a field by id, by its number in the form, or by label.
func (p *prompter) fieldByName(s string) string {
	if s == "" {
		return ""
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(p.form.Fields) {
		return p.form.Fields[n-1].ID
	}
	for _, fd := range p.form.Fields {
		if strings.EqualFold(fd.ID, s) || strings.EqualFold(fd.Label.ID, s) || strings.EqualFold(fd.Label.EN, s) {
			return fd.ID
		}
	}
	p.printf("%s\n", p.app.T("isian tidak dikenal: "+s, "unknown field: "+s))
	return ""
}

func (p *prompter) askAll(ctx context.Context, values map[string]any, fc forms.Context) error {
	for _, fd := range p.form.Fields {
		if !p.form.Asks(fd.ID, values, fc) {
			delete(values, fd.ID)
			continue
		}
		if err := p.askField(ctx, fd.ID, values, fc); err != nil {
			return err
		}
	}
	return nil
}

// askField asks one field until the answer is acceptable.
func (p *prompter) askField(ctx context.Context, id string, values map[string]any, fc forms.Context) error {
	a := p.app
	fd, _ := p.form.Field(id)
	def := ""
	if v, ok := values[id]; ok {
		def = textOf(v)
	} else if d, ok := p.form.DefaultsAt(values, a.Now())[id]; ok {
		def = d
	}
	prompt := fd.Label.In(a.Lang)
	if len(fd.Values) > 0 {
		var vs []string
		for _, c := range fd.Values {
			vs = append(vs, c.Value)
		}
		prompt += " (" + strings.Join(vs, "/") + ")"
	}
	if fd.Type == forms.TypeDocuments {
		p.printf("%s\n", a.T("Dokumen (pisahkan dengan koma):", "Documents (separate with commas):"))
		for _, d := range p.form.Documents.Catalog {
			p.printf("  %-28s %s\n", d.ID, d.Label.In(a.Lang))
		}
	}
	help := fd.Help.In(a.Lang)
	if def != "" {
		prompt += " [" + def + "]"
	}
	for {
		raw, err := p.ask(ctx, prompt+": ")
		if err != nil {
			return err
		}
		switch raw {
		case "":
			raw = def
		case "-":
			raw = ""
		case "?":
			p.printf("  %s\n", help)
			continue
		}
		v, issues := p.form.ParseField(id, raw, values, fc)
		ok := true
		for _, is := range issues {
			switch is.Severity {
			case forms.Warning:
				p.printf("  %s %s\n", a.T("peringatan:", "warning:"), is.Message.In(a.Lang))
			case forms.Overridable:
				if r, has := p.overrides[id]; has && r != "" {
					continue
				}
				p.printf("  %s\n", is.Message.In(a.Lang))
				reason, err := p.ask(ctx, "  "+a.T("Alasan untuk tetap menerima (kosong = ubah jawaban): ", "Reason to accept it anyway (empty = change the answer): "))
				if err != nil {
					return err
				}
				if reason == "" {
					ok = false
				} else {
					p.overrides[id] = reason
				}
			default:
				p.printf("  %s\n", is.Message.In(a.Lang))
				if is.Suggestion != "" && !strings.Contains(is.Message.In(a.Lang), is.Suggestion) {
					p.printf("  %s %s\n", a.T("saran:", "suggestion:"), is.Suggestion)
				}
				ok = false
			}
		}
		if !ok {
			if help != "" {
				p.printf("  (%s)\n", help)
			}
			continue
		}
		if v == nil {
			delete(values, id)
		} else {
			values[id] = v
		}
		return nil
	}
}

// textOf turns a stored value back into what the officer would type.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "ya"
		}
		return "tidak"
	case []string:
		return strings.Join(x, ",")
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

func (p *prompter) summary(values map[string]any, res forms.Result, warnings []forms.Issue) {
	a := p.app
	p.printf("\n%s\n", a.T("Ringkasan:", "Summary:"))
	for i, fd := range p.form.Fields {
		v, ok := res.Values[fd.ID]
		if !ok {
			continue
		}
		p.printf("  %2d. %-28s %s\n", i+1, fd.Label.In(a.Lang), displayValue(a, &fd, v))
	}
	if n, ok := res.Derived["mrz_name"].(string); ok && n != "" {
		p.printf("  %s %s\n", a.T("Nama di paspor (MRZ):", "Name in the passport (MRZ):"), n)
	}
	for _, w := range warnings {
		p.printf("  %s %s\n", a.T("peringatan:", "warning:"), a.issueLine(w))
	}
	for _, o := range res.Overridden {
		p.printf("  %s %s — %s\n", a.T("diloloskan:", "overridden:"), o.Field, o.Reason)
	}
	if len(res.Missing) > 0 {
		var m []string
		for _, d := range res.Missing {
			m = append(m, d.Label.In(a.Lang))
		}
		p.printf("  %s %s\n", a.T("Dokumen kurang (permohonan belum lengkap):", "Documents missing (application incomplete):"), strings.Join(m, ", "))
	}
	if res.Fee.Total > 0 {
		p.printf("  %s %s\n", a.T("Perkiraan biaya:", "Estimated fee:"), rupiah(res.Fee.Total))
	}
}

// keepDraft saves what was typed so far, even though the command's context
// is cancelled: the officer's work must not be lost.
func (p *prompter) keepDraft(ctx context.Context, values map[string]any, in intake.CaptureInput) error {
	ctx = context.WithoutCancel(ctx)
	d, err := p.svc.SaveDraft(ctx, in.DraftID, p.form.ID, values, in.RosterNo)
	if err != nil {
		return err
	}
	p.app.Note("Disimpan sebagai draf %s. Lanjutkan dengan: jemput intake --resume %s", "Kept as draft %s. Go on with: jemput intake --resume %s", d.ID[:8], d.ID[:8])
	return &exitCodeError{130}
}
