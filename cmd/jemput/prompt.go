package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
)

// prompter runs interactive intake: it asks field by field, checks each
// answer as it comes (and, as soon as both are known, one answer against
// another: a NIK against the sex and the birth date), shows a summary, and
// keeps an interrupted entry as a draft.
//
// It cannot trap: every question accepts Ctrl-C or Ctrl-D (the entry is kept
// as a draft), "@FIELD" at any question goes to another field, a conflict
// between fields names all of them and lets the officer change any one (or
// accept it with a reason when it may be accepted), and an override that no
// longer applies is dropped with a note instead of refusing the entry.
//
// It reads lines, so it runs the same at a terminal and from a pipe
// (--interactive); the tests drive it through piped standard input.
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

// jumpTo is returned by askField when the officer typed @FIELD.
type jumpTo struct{ field string }

func (j *jumpTo) Error() string { return "jump to " + j.field }

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

func (p *prompter) run(ctx context.Context, values map[string]any, in intake.CaptureInput, opts intakeOptions, resumed bool) error {
	a := p.app
	ev := p.event
	for k, v := range in.Overrides {
		p.overrides[k] = v
	}
	p.printf("%s — %s (%s, %s)\n", p.form.Title.In(a.Lang), ev.Name, ev.Place, ev.Type)
	p.printf("%s\n\n", a.T("Enter = nilai dalam [kurung]; '-' = kosongkan; '?' = petunjuk; '@isian' = pindah ke isian lain; Ctrl-C atau Ctrl-D = simpan sebagai draf.",
		"Enter = the value in [brackets]; '-' = leave empty; '?' = help; '@field' = go to another field; Ctrl-C or Ctrl-D = keep as a draft."))
	err := p.askAll(ctx, values, resumed)
	if err == nil && in.Photo == nil {
		in.Photo, err = p.askPhoto(ctx)
	}
	for err == nil {
		in.Data, in.Overrides = p.answers(values), p.overrides
		var pre intake.Captured
		if pre, err = p.svc.Preview(ctx, in); err != nil {
			break
		}
		res := pre.Result
		if p.dropUnusedOverrides(res.Errors) {
			continue
		}
		if !res.OK() {
			p.printf("\n%s\n", a.T("Masih ada yang salah:", "Still wrong:"))
			for _, is := range res.Errors {
				p.printf("  %s\n", a.issueLine(is))
			}
			err = p.resolve(ctx, res.Errors[0], values, "")
			continue
		}
		if len(pre.Roster) > 0 && !in.RosterConfirmed {
			var ok bool
			if ok, err = p.confirmRoster(ctx, in.RosterNo, pre.Roster, values); err == nil && ok {
				in.RosterConfirmed = true
			}
			continue
		}
		p.summary(values, res, pre.Warnings)
		var answer string
		answer, err = p.ask(ctx, a.T("Simpan? [Y/t, atau nomor atau nama isian untuk diubah] ", "Save? [Y/n, or a field's number or name to change] "))
		if err != nil {
			break
		}
		switch strings.ToLower(answer) {
		case "", "y", "ya", "yes":
			return a.capture(ctx, p.svc, in, opts)
		case "n", "t", "no", "tidak":
			answer, err = p.ask(ctx, a.T("Isian yang diubah (nomor atau nama): ", "Field to change (number or name): "))
		}
		if err != nil {
			break
		}
		if id := p.fieldByName(strings.TrimPrefix(answer, "@")); id != "" {
			err = p.askOne(ctx, id, values)
		}
	}
	if errors.Is(err, errInterrupted) {
		return p.keepDraft(ctx, values, in)
	}
	return err
}

// dropUnusedOverrides removes the overrides that no longer apply (the
// answer they accepted was corrected since), with a note, and reports
// whether it removed any: the entry is then checked again without them.
func (p *prompter) dropUnusedOverrides(errs []forms.Issue) bool {
	dropped := false
	for _, is := range errs {
		if is.Code != "override_unused" {
			continue
		}
		if _, ok := p.overrides[is.Field]; ok {
			delete(p.overrides, is.Field)
			p.printf("  %s\n", fmt.Sprintf(p.app.T("catatan: alasan untuk %s tidak berlaku lagi (jawabannya sudah diperbaiki) dan dihapus",
				"note: the reason given for %s no longer applies (the answer was corrected) and is dropped"), p.label(is.Field)))
			dropped = true
		}
	}
	return dropped
}

// resolve lets the officer deal with one issue: change any of the fields
// it involves (the one just asked first when there is one), any other
// field by name, or accept it with a reason when it may be accepted.
func (p *prompter) resolve(ctx context.Context, is forms.Issue, values map[string]any, justAsked string) error {
	a := p.app
	var fields []string
	if justAsked != "" && slices.Contains(is.Fields(), justAsked) {
		fields = append(fields, justAsked)
	}
	for _, f := range is.Fields() {
		if _, ok := p.form.Field(f); ok && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		// Not one field's: the officer picks any.
		answer, err := p.ask(ctx, a.T("Isian yang diubah (nomor atau nama): ", "Field to change (number or name): "))
		if err != nil {
			return err
		}
		if id := p.fieldByName(strings.TrimPrefix(answer, "@")); id != "" {
			return p.askOne(ctx, id, values)
		}
		return nil
	}
	var opts []string
	for i, f := range fields {
		opts = append(opts, fmt.Sprintf("%d) %s [%s]", i+1, p.label(f), p.shown(f, values)))
	}
	accept := 0
	if is.Severity == forms.Overridable {
		accept = len(fields) + 1
		opts = append(opts, fmt.Sprintf("%d) %s", accept, a.T("terima dengan alasan (dokumen asli memang begitu)", "accept it with a reason (the original documents say so)")))
	}
	for {
		p.printf("  %s: %s\n", a.T("Ubah", "Change"), strings.Join(opts, "  "))
		answer, err := p.ask(ctx, "  "+a.T("Pilih [1]: ", "Choose [1]: "))
		if err != nil {
			return err
		}
		answer = strings.TrimPrefix(answer, "@")
		if answer == "" {
			answer = "1"
		}
		if n, err := strconv.Atoi(answer); err == nil {
			switch {
			case n >= 1 && n <= len(fields):
				return p.askOne(ctx, fields[n-1], values)
			case n == accept && accept > 0:
				reason, err := p.ask(ctx, "  "+a.T("Alasan: ", "Reason: "))
				if err != nil {
					return err
				}
				if reason != "" {
					p.overrides[is.Field] = reason
					return nil
				}
				continue
			}
			p.printf("  %s\n", a.T("pilih salah satu nomor di atas, atau ketik nama isian", "choose one of the numbers above, or type a field's name"))
			continue
		}
		if id := p.fieldByName(answer); id != "" {
			return p.askOne(ctx, id, values)
		}
	}
}

// confirmRoster asks whether the applicant really is the roster entry's
// person when the name or NIK disagrees; no lets the officer change a
// field.
func (p *prompter) confirmRoster(ctx context.Context, no int, diffs []forms.Issue, values map[string]any) (bool, error) {
	a := p.app
	p.printf("\n%s\n", fmt.Sprintf(a.T("Data ini tidak cocok dengan nomor %d di daftar:", "This data disagrees with roster entry %d:"), no))
	for _, d := range diffs {
		p.printf("  %s\n", d.Message.In(a.Lang))
	}
	answer, err := p.ask(ctx, fmt.Sprintf(a.T("Tetap selesaikan nomor %d dengan orang ini? [y/T, atau nama isian untuk diubah] ", "Complete entry %d with this person anyway? [y/N, or a field's name to change] "), no))
	if err != nil {
		return false, err
	}
	switch strings.ToLower(answer) {
	case "y", "ya", "yes":
		return true, nil
	case "", "n", "t", "no", "tidak":
		return false, p.resolve(ctx, forms.Issue{Field: diffs[0].Field, Related: fieldsOf(diffs)}, values, "")
	}
	if id := p.fieldByName(strings.TrimPrefix(answer, "@")); id != "" {
		return false, p.askOne(ctx, id, values)
	}
	return false, nil
}

func fieldsOf(issues []forms.Issue) []string {
	var out []string
	for _, is := range issues {
		out = append(out, is.Field)
	}
	return out
}

// fieldByName finds a field by its number in the form, its id, or its label
// in either language, whole or by a beginning that only one label has.
func (p *prompter) fieldByName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(p.form.Fields) {
		return p.form.Fields[n-1].ID
	}
	norm := func(x string) string { return strings.Join(strings.Fields(strings.ToLower(x)), " ") }
	want := norm(s)
	var prefixed []string
	for _, fd := range p.form.Fields {
		names := []string{fd.ID, fd.Label.ID, fd.Label.EN}
		for _, n := range names {
			if norm(n) == want {
				return fd.ID
			}
		}
		for _, n := range names {
			if strings.HasPrefix(norm(n), want) {
				prefixed = append(prefixed, fd.ID)
				break
			}
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	if len(prefixed) > 1 {
		var labels []string
		for _, id := range prefixed {
			labels = append(labels, p.label(id))
		}
		p.printf("%s\n", p.app.T("lebih dari satu isian cocok: ", "more than one field matches: ")+strings.Join(labels, ", "))
		return ""
	}
	p.printf("%s\n", p.app.T("isian tidak dikenal: "+s, "unknown field: "+s))
	return ""
}

func (p *prompter) label(id string) string {
	if fd, ok := p.form.Field(id); ok {
		return fd.Label.In(p.app.Lang)
	}
	return id
}

// shown is a field's current answer as the officer reads it.
func (p *prompter) shown(id string, values map[string]any) string {
	v, ok := values[id]
	fd, known := p.form.Field(id)
	if !ok || !known {
		return "-"
	}
	return displayValue(p.app, fd, v)
}

// askAll asks every field the answers so far call for. A resumed draft's
// answers are kept: only the fields it has no answer for are asked.
func (p *prompter) askAll(ctx context.Context, values map[string]any, resumed bool) error {
	if resumed {
		for _, fd := range p.form.Fields {
			if _, ok := values[fd.ID]; !ok && p.form.Asks(fd.ID, values, p.fc) {
				p.printf("%s\n", fmt.Sprintf(p.app.T("Melanjutkan dari isian %s.", "Going on from %s."), fd.Label.In(p.app.Lang)))
				break
			}
		}
	}
	for _, fd := range p.form.Fields {
		if !p.form.Asks(fd.ID, values, p.fc) {
			delete(values, fd.ID)
			continue
		}
		if _, ok := values[fd.ID]; ok && resumed {
			continue
		}
		if err := p.askOne(ctx, fd.ID, values); err != nil {
			return err
		}
	}
	return nil
}

// askOne asks a field, follows any @FIELD the officer types (coming back
// to this one after), and offers a way out of each conflict the answer
// reveals with another field.
func (p *prompter) askOne(ctx context.Context, id string, values map[string]any) error {
	for range 50 { // bounded: a jump is the officer's choice, each time
		cross, err := p.askField(ctx, id, values)
		var j *jumpTo
		if errors.As(err, &j) {
			if err := p.askSimple(ctx, j.field, values); err != nil {
				return err
			}
			continue // then this field again
		}
		if err != nil {
			return err
		}
		for _, is := range cross {
			if err := p.resolve(ctx, is, values, id); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

// askSimple asks a field without following further jumps or conflicts
// (the summary checks them all again).
func (p *prompter) askSimple(ctx context.Context, id string, values map[string]any) error {
	_, err := p.askField(ctx, id, values)
	var j *jumpTo
	if errors.As(err, &j) {
		return nil
	}
	return err
}

// askField asks one field until its answer is acceptable on its own. An
// answer that contradicts another field's is kept, and the conflicts are
// returned for the caller to resolve: that is the early NIK check.
func (p *prompter) askField(ctx context.Context, id string, values map[string]any) ([]forms.Issue, error) {
	a := p.app
	fd, _ := p.form.Field(id)
	def := ""
	if v, ok := values[id]; ok {
		def = textOf(v)
	} else if d, ok := p.form.DefaultsAt(values, a.Now().In(a.Zone()))[id]; ok {
		def = d
	}
	prompt := fd.Label.In(a.Lang)
	var docs []forms.Document
	switch {
	case fd.Type == forms.TypeDocuments:
		var needed []string
		docs, needed = p.form.DocumentsFor(values, p.fc)
		p.printf("%s\n", a.T("Dokumen yang dibawa (nomor, pisahkan dengan koma atau spasi):", "Documents brought (numbers, separated by commas or spaces):"))
		for i, d := range docs {
			p.printf("  %2d) %s\n", i+1, d.Label.In(a.Lang))
		}
		if _, ok := values[id]; !ok {
			def = strings.Join(needed, ",")
		}
		def = docNumbers(docs, def)
	case len(fd.Values) > 0:
		if def == "" {
			def = p.onlyChoice(fd, values)
		}
		var vs []string
		for i, c := range fd.Values {
			vs = append(vs, fmt.Sprintf("%d) %s", i+1, c.Label.In(a.Lang)))
		}
		prompt += " (" + strings.Join(vs, ", ") + ")"
		if c, ok := fd.Choice(def); ok {
			def = c.Label.In(a.Lang)
		}
	case fd.Type == forms.TypeBool:
		prompt += a.T(" (ya/tidak)", " (yes/no)")
		switch def {
		case "ya", "true":
			def = a.T("ya", "yes")
		case "tidak", "false":
			def = a.T("tidak", "no")
		}
	}
	help := fd.Help.In(a.Lang)
	if def != "" {
		prompt += " [" + def + "]"
	}
	for {
		raw, err := p.ask(ctx, prompt+": ")
		if err != nil {
			return nil, err
		}
		switch {
		case raw == "":
			raw = def
		case raw == "-":
			raw = ""
		case raw == "?":
			if help != "" {
				p.printf("  %s\n", help)
			}
			p.printf("  %s\n", a.T("'@isian' pindah ke isian lain; Ctrl-D menyimpan draf", "'@field' goes to another field; Ctrl-D keeps a draft"))
			continue
		case strings.HasPrefix(raw, "@"):
			if other := p.fieldByName(raw[1:]); other != "" && other != id {
				return nil, &jumpTo{other}
			}
			continue
		}
		switch {
		case fd.Type == forms.TypeDocuments:
			raw = docIDs(docs, raw)
		case len(fd.Values) > 0:
			raw = choiceValue(fd, raw)
		case fd.Type == forms.TypeBool:
			switch strings.ToLower(raw) {
			case "y", "yes":
				raw = "ya"
			case "n", "no", "t":
				raw = "tidak"
			}
		}
		v, issues := p.form.ParseField(id, raw, values, p.fc)
		ok := true
		var cross []forms.Issue
		for _, is := range issues {
			if is.Field != id || len(is.Related) > 0 {
				// Between this answer and another: kept, resolved after.
				if is.Severity == forms.Warning {
					continue
				}
				if r, has := p.overrides[is.Field]; has && r != "" {
					continue
				}
				p.printf("  %s\n", is.Message.In(a.Lang))
				cross = append(cross, is)
				continue
			}
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
					return nil, err
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
		return cross, nil
	}
}

// askPhoto asks for the applicant's photo file (a camera's or a scanner's
// JPEG); Enter goes on without one.
func (p *prompter) askPhoto(ctx context.Context) ([]byte, error) {
	a := p.app
	for {
		path, err := p.ask(ctx, a.T("Foto pemohon (jalur berkas JPEG; Enter = tanpa foto): ", "Applicant's photo (path of a JPEG file; Enter = no photo): "))
		if err != nil || path == "" || path == "-" {
			return nil, err
		}
		b, err := readPhoto(path)
		if err == nil {
			p.printf("  %s\n", fmt.Sprintf(a.T("foto diterima (%d KB)", "photo taken (%d KB)"), len(b)>>10))
			return b, nil
		}
		e := explain(err)
		msg := e.Message.In(a.Lang)
		if len(e.Issues) > 0 {
			msg = e.Issues[0].Message.In(a.Lang)
		}
		p.printf("  %s\n", msg)
	}
}

// onlyChoice is the one choice the answers so far allow (5 years for a
// minor), as the default; "" when there is no single one.
func (p *prompter) onlyChoice(fd *forms.Field, values map[string]any) string {
	only := ""
	for _, c := range fd.Values {
		_, issues := p.form.ParseField(fd.ID, c.Value, values, p.fc)
		ok := true
		for _, is := range issues {
			ok = ok && (is.Field != fd.ID || is.Severity == forms.Warning)
		}
		if ok {
			if only != "" {
				return ""
			}
			only = c.Value
		}
	}
	return only
}

// choiceValue reads a choice typed as its number, its label in either
// language or its code.
func choiceValue(fd *forms.Field, raw string) string {
	for _, c := range fd.Values {
		if c.Value == raw { // a code, or a value that is itself a number (5, 10 years)
			return raw
		}
	}
	if n, err := strconv.Atoi(raw); err == nil && n >= 1 && n <= len(fd.Values) {
		return fd.Values[n-1].Value
	}
	for _, c := range fd.Values {
		if strings.EqualFold(c.Label.ID, raw) || strings.EqualFold(c.Label.EN, raw) {
			return c.Value
		}
	}
	var labels []lang.Text
	for _, c := range fd.Values {
		labels = append(labels, c.Label)
	}
	if i := uniquePrefix(labels, raw); i >= 0 {
		return fd.Values[i].Value
	}
	return raw
}

// uniquePrefix is the index of the one label (in either language) that
// starts with s, whole words ignoring case ("akta" is "Akta kelahiran");
// -1 when none or several do.
func uniquePrefix(labels []lang.Text, s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 2 {
		return -1
	}
	found := -1
	for i, l := range labels {
		if strings.HasPrefix(strings.ToLower(l.ID), s) || strings.HasPrefix(strings.ToLower(l.EN), s) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// docIDs reads documents typed as numbers of the list shown, or as ids or
// labels, into ids separated by commas.
func docIDs(docs []forms.Document, raw string) string {
	var out []string
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if n, err := strconv.Atoi(part); err == nil && n >= 1 && n <= len(docs) {
			out = append(out, docs[n-1].ID)
			continue
		}
		id := part
		var labels []lang.Text
		for _, d := range docs {
			labels = append(labels, d.Label)
			if strings.EqualFold(d.Label.ID, part) || strings.EqualFold(d.Label.EN, part) {
				id = d.ID
			}
		}
		if id == part && !slices.ContainsFunc(docs, func(d forms.Document) bool { return d.ID == part }) {
			if i := uniquePrefix(labels, part); i >= 0 {
				id = docs[i].ID // "akta", "ijazah", "paspor"
			}
		}
		out = append(out, id)
	}
	return strings.Join(out, ",")
}

// docNumbers shows document ids as the numbers of the list shown; an id
// not in the list stays as it is.
func docNumbers(docs []forms.Document, ids string) string {
	var out []string
	for _, id := range strings.Split(ids, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		n := slices.IndexFunc(docs, func(d forms.Document) bool { return d.ID == id })
		if n >= 0 {
			out = append(out, strconv.Itoa(n+1))
		} else {
			out = append(out, id)
		}
	}
	return strings.Join(out, ",")
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
		shown := displayValue(a, &fd, v)
		if fd.Type == forms.TypeDocuments {
			var labels []string
			for _, id := range strings.Split(textOf(v), ",") {
				if l, ok := p.form.Documents.Label(id); ok {
					labels = append(labels, l.In(a.Lang))
				}
			}
			shown = strings.Join(labels, ", ")
		}
		p.printf("  %2d. %-28s %s\n", i+1, fd.Label.In(a.Lang), shown)
	}
	if n, ok := res.Derived["mrz_name"].(string); ok && n != "" {
		p.printf("  %s %s\n", a.T("Nama di paspor (MRZ):", "Name in the passport (MRZ):"), n)
	}
	for _, w := range warnings {
		p.printf("  %s %s\n", a.T("peringatan:", "warning:"), a.issueLine(w))
	}
	for _, o := range res.Overridden {
		p.printf("  %s %s — %s\n", a.T("diloloskan:", "overridden:"), p.label(o.Field), o.Reason)
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
	if in.Photo != nil {
		p.app.Note("(foto tidak disimpan di draf: berikan lagi saat melanjutkan)", "(the photo is not kept with a draft: give it again when going on)")
	}
	return &exitCodeError{130}
}

// runEdit asks every field with its current value as the default, shows
// what changes, and saves the correction as a new version once the checks
// accept it. Nothing changed is refused by the service (no new version);
// Ctrl-C or Ctrl-D stops with the application as it was.
func (p *prompter) runEdit(ctx context.Context, cur intake.Application, values map[string]any, photo []byte, reason string) (intake.Captured, error) {
	a := p.app
	p.printf("%s %s — %s\n", a.T("Perbaikan", "Correction of"), cur.Number, p.form.Title.In(a.Lang))
	p.printf("%s\n\n", a.T("Enter = nilai sekarang dalam [kurung]; '-' = kosongkan; '@isian' = pindah ke isian lain; Ctrl-C atau Ctrl-D = berhenti tanpa perubahan.",
		"Enter = the current value in [brackets]; '-' = leave empty; '@field' = go to another field; Ctrl-C or Ctrl-D = stop, nothing changed."))
	if err := p.askAll(ctx, values, false); err != nil {
		return intake.Captured{}, err
	}
	for {
		data := map[string]any{"form": p.form.ID}
		for k, v := range p.answers(values) {
			if v != nil {
				data[k] = v
			}
		}
		next := intake.Document{Values: values, Photo: cur.Doc.Photo}
		if photo != nil {
			next.Photo = &intake.Attachment{SHA256: "new"}
		}
		changes := intake.Changes(p.form, intake.Document{Values: cur.Doc.Values, Photo: cur.Doc.Photo}, next)
		var answer string
		var err error
		if len(changes) == 0 {
			p.printf("\n%s\n", a.T("Tidak ada yang berubah.", "Nothing changed."))
			answer, err = p.ask(ctx, a.T("Isian yang diubah (nomor atau nama; Enter = selesai tanpa versi baru): ", "Field to change (number or name; Enter = stop without a new version): "))
			if err != nil {
				return intake.Captured{}, err
			}
			if answer == "" {
				// The service says so, with its code: no new version.
				return p.svc.Edit(ctx, intake.EditInput{ID: cur.ID, Data: data, Overrides: p.overrides, Photo: photo, Reason: reason})
			}
		} else {
			p.printf("\n%s\n", a.T("Yang berubah:", "What changes:"))
			for _, c := range changes {
				p.printf("  %s\n", changeLine(a, p.form, c))
			}
			answer, err = p.ask(ctx, a.T("Simpan sebagai versi baru? [Y/t, atau nomor atau nama isian untuk diubah] ", "Save as a new version? [Y/n, or a field's number or name to change] "))
			if err != nil {
				return intake.Captured{}, err
			}
		}
		switch strings.ToLower(answer) {
		case "y", "ya", "yes", "":
		case "n", "t", "no", "tidak":
			if answer, err = p.ask(ctx, a.T("Isian yang diubah (nomor atau nama): ", "Field to change (number or name): ")); err != nil {
				return intake.Captured{}, err
			}
			fallthrough
		default:
			if id := p.fieldByName(strings.TrimPrefix(answer, "@")); id != "" {
				if err := p.askOne(ctx, id, values); err != nil {
					return intake.Captured{}, err
				}
			}
			continue
		}
		if reason == "" {
			if reason, err = p.ask(ctx, a.T("Alasan perbaikan (dicatat): ", "Reason for the correction (recorded): ")); err != nil {
				return intake.Captured{}, err
			}
		}
		c, err := p.svc.Edit(ctx, intake.EditInput{ID: cur.ID, Data: data, Overrides: p.overrides, Photo: photo, Reason: reason})
		var e *intake.Error
		if errors.As(err, &e) && e.Code == intake.CodeInvalid && len(e.Issues) > 0 {
			if p.dropUnusedOverrides(e.Issues) {
				continue
			}
			p.printf("\n%s\n", a.T("Masih ada yang salah:", "Still wrong:"))
			for _, is := range e.Issues {
				p.printf("  %s\n", a.issueLine(is))
			}
			if err := p.resolve(ctx, e.Issues[0], values, ""); err != nil {
				return intake.Captured{}, err
			}
			continue
		}
		return c, err
	}
}
