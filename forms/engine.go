package forms

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jemput/jemput/lang"
)

// Context is what a check needs besides the answers.
type Context struct {
	Today     time.Time // the event's date; zero = now
	EventType string    // eazy-paspor, berkala, pos-terpadu, ulp
	// Overrides maps a field to the officer's reason for saving despite its
	// overridable issues.
	Overrides map[string]string
	Tables    *Tables // nil = the embedded tables
}

func (c Context) today() time.Time {
	if c.Today.IsZero() {
		return dayOf(time.Now())
	}
	return dayOf(c.Today)
}

// Fee is the estimated fee, line by line, in rupiah.
type Fee struct {
	Total int64     `json:"total"`
	Lines []FeeLine `json:"lines"`
}

// FeeLine is one line of a fee.
type FeeLine struct {
	Label  lang.Text `json:"label"`
	Amount int64     `json:"amount"`
}

// Result is the outcome of checking one application.
type Result struct {
	// Values holds the normalized answers of known fields: trimmed strings,
	// dates as YYYY-MM-DD, int, bool, []string for documents.
	Values map[string]any `json:"values"`
	// Derived holds age, minor, sex_from_nik, birth_date_from_nik, province,
	// province_name, regency, regency_name, district, mrz_name,
	// mrz_truncated, name_as_printed, name_words, fee, as the form derives them.
	Derived    map[string]any `json:"derived"`
	Errors     []Issue        `json:"errors"`     // blocking, including overridable ones without a reason
	Overridden []Issue        `json:"overridden"` // overridable issues with the officer's Reason
	Warnings   []Issue        `json:"warnings"`
	Received   []Document     `json:"received"`
	Missing    []Document     `json:"missing"`
	Fee        Fee            `json:"fee"`
}

// OK reports whether the application may be saved.
func (r Result) OK() bool { return len(r.Errors) == 0 }

// Complete reports whether every needed document was received; an
// incomplete application is saved but cannot be approved.
func (r Result) Complete() bool { return len(r.Missing) == 0 }

// run is the part of a check shared by Check and ParseField.
type run struct {
	values  map[string]any
	derived map[string]any
	env     env
	fee     Fee
	issues  []Issue
}

// Check validates one application as decoded from JSON (numbers as float64
// or json.Number). It never fails: everything wrong is in Result.Errors.
func (f *Form) Check(data map[string]any, ctx Context) Result {
	values := map[string]any{}
	var issues []Issue
	failed := map[string]bool{} // fields whose answer could not be read
	for _, k := range sortedKeys(data) {
		v := data[k]
		if k == "form" {
			if s, ok := v.(string); !ok || s != f.ID {
				issues = append(issues, Issue{Field: "form", Code: "wrong_form", Severity: Error, Message: msg(
					"Data ini bukan untuk formulir %s (form = %v)", "This data is not for the %s form (form = %v)",
					f.ID, shownAny(v))})
			}
			continue
		}
		fd, ok := f.Field(k)
		if !ok {
			issues = append(issues, Issue{Field: k, Code: "unknown_field", Severity: Error, Message: msg(
				"Kolom %q tidak ada di formulir %s", "Field %q is not in the %s form", shown(k), f.ID)})
			continue
		}
		val, is := f.normalize(fd, v)
		if is != nil {
			issues = append(issues, *is)
			failed[k] = true
			continue
		}
		if val != nil {
			values[k] = val
		}
	}

	r := f.evaluate(values, failed, ctx, false)
	issues = append(issues, r.issues...)
	res := Result{Values: values, Derived: r.derived, Fee: r.fee}
	if fd := f.documentsField(); fd != nil {
		docs, _ := values[fd.ID].([]string)
		res.Received, res.Missing = f.Documents.checklist(docs, r.env)
	}
	f.sortIssues(issues)
	res.Errors, res.Overridden, res.Warnings = applyOverrides(f, issues, ctx.Overrides)
	return res
}

// evaluate derives values and runs the required rules and field checks.
// partial (interactive entry) skips "required" for fields not yet asked.
func (f *Form) evaluate(values map[string]any, failed map[string]bool, ctx Context, partial bool) run {
	tables := ctx.Tables.orDefault()
	today := ctx.today()
	r := run{values: values, derived: map[string]any{}}
	r.env = env{values: values, derived: r.derived, eventType: ctx.EventType}
	dc := &deriveCtx{values: values, derived: r.derived, env: r.env, today: today, tables: tables, fee: &r.fee}
	for _, d := range f.Derive {
		d.run(dc)
	}
	for i := range f.Fields {
		fd := &f.Fields[i]
		v, present := values[fd.ID]
		if !present {
			if !partial && !failed[fd.ID] && fd.required(r.env) {
				r.issues = append(r.issues, requiredIssue(fd))
			}
			continue
		}
		cc := &checkCtx{form: f, field: fd, value: v, env: r.env, today: today, tables: tables}
		for _, ref := range fd.Checks {
			if !ref.When.eval(r.env) {
				continue
			}
			for _, fi := range ref.run(cc) {
				is := Issue{Field: fd.ID, Code: fi.code, Severity: ref.Severity, Message: fi.msg, Suggestion: fi.suggestion,
					Related: append(fi.related, ref.When.fields()...)}
				if fi.warning {
					is.Severity = Warning
				} else if ref.Message != nil {
					is.Message = fill(*ref.Message, fd.Label, shownAny(v))
				}
				r.issues = append(r.issues, is)
			}
		}
	}
	return r
}

func (fd *Field) required(e env) bool {
	return fd.Required || (fd.RequiredIf != nil && fd.RequiredIf.eval(e))
}

func requiredIssue(fd *Field) Issue {
	m := labelled(fd.Label, "%s wajib diisi", "%s is required")
	if fd.RequiredIf != nil {
		m.ID += " (karena " + fd.RequiredIf.String() + ")"
		m.EN += " (because " + fd.RequiredIf.String() + ")"
	}
	return Issue{Field: fd.ID, Code: "required", Severity: Error, Message: m}
}

func (f *Form) documentsField() *Field {
	for i := range f.Fields {
		if f.Fields[i].Type == TypeDocuments {
			return &f.Fields[i]
		}
	}
	return nil
}

// applyOverrides sorts issues into errors, overridden and warnings. An
// override that matches no overridable issue is an error itself, so a
// misspelt field name cannot pass for a recorded justification.
func applyOverrides(f *Form, issues []Issue, overrides map[string]string) (errs, overridden, warns []Issue) {
	used := map[string]bool{}
	for _, is := range issues {
		switch is.Severity {
		case Warning:
			warns = append(warns, is)
		case Overridable:
			if reason := strings.TrimSpace(overrides[is.Field]); reason != "" {
				is.Reason = reason
				overridden = append(overridden, is)
				used[is.Field] = true
				continue
			}
			is.Message.ID += " (dapat dilanjutkan dengan alasan tertulis)"
			is.Message.EN += " (may proceed with a written reason)"
			errs = append(errs, is)
		default:
			errs = append(errs, is)
		}
	}
	for _, field := range sortedKeys(overrides) {
		if used[field] {
			continue
		}
		label := lang.Text{ID: field, EN: field}
		if fd, ok := f.Field(field); ok {
			label = fd.Label
		}
		is := Issue{Field: field, Code: "override_unused", Severity: Error, Message: labelled(label,
			"Alasan pengecualian untuk %s tidak terpakai: kolom ini tidak punya kesalahan yang dapat dikecualikan",
			"The override for %s is not used: this field has no overridable issue")}
		if strings.TrimSpace(overrides[field]) == "" {
			is.Code = "override_reason_missing"
			is.Message = labelled(label, "Alasan pengecualian untuk %s kosong", "The override reason for %s is empty")
		}
		errs = append(errs, is)
	}
	return errs, overridden, warns
}

// sortIssues orders issues as the form asks its fields, so the officer
// reads them top to bottom; "form" first, unknown fields last.
func (f *Form) sortIssues(issues []Issue) {
	rank := func(field string) int {
		if field == "form" {
			return -1
		}
		if i, ok := f.byID[field]; ok {
			return i
		}
		return len(f.Fields)
	}
	sort.SliceStable(issues, func(i, j int) bool { return rank(issues[i].Field) < rank(issues[j].Field) })
}

// ParseField reads one typed answer during interactive entry. soFar holds
// the answers given before (as ParseField returned them); the issues are
// those about this field only, with overridable ones left as they are for
// the caller to ask for a reason. The value is nil when the answer could not
// be read at all (wrong type, bad date, unknown choice); otherwise it is
// returned even with issues, so a caller can show what was understood. An
// empty answer returns nil, with a "required" issue if the field must be
// filled.
func (f *Form) ParseField(id, raw string, soFar map[string]any, ctx Context) (any, []Issue) {
	fd, ok := f.Field(id)
	if !ok {
		return nil, []Issue{{Field: id, Code: "unknown_field", Severity: Error, Message: msg(
			"Kolom %q tidak ada di formulir %s", "Field %q is not in the %s form", shown(id), f.ID)}}
	}
	v, is := f.normalize(fd, fromText(fd, raw))
	if is != nil {
		return nil, []Issue{*is}
	}
	values := f.known(soFar)
	delete(values, id)
	if v != nil {
		values[id] = v
	}
	r := f.evaluate(values, nil, ctx, true)
	if v == nil {
		if fd.required(r.env) {
			return nil, []Issue{requiredIssue(fd)}
		}
		return nil, nil
	}
	// Its own issues, and, as early as the answers allow, those of earlier
	// fields that this answer now contradicts (a NIK against the sex just
	// given): their Field is the other one.
	var out []Issue
	for _, is := range r.issues {
		if is.Field == id || slices.Contains(is.Related, id) {
			out = append(out, is)
		}
	}
	return v, out
}

// known normalizes earlier answers, keeping only those of this form's
// fields that read cleanly.
func (f *Form) known(soFar map[string]any) map[string]any {
	values := map[string]any{}
	for k, v := range soFar {
		if fd, ok := f.Field(k); ok {
			if s, isText := v.(string); isText {
				v = fromText(fd, s)
			}
			if nv, is := f.normalize(fd, v); is == nil && nv != nil {
				values[k] = nv
			}
		}
	}
	return values
}

// Asks reports whether interactive entry should ask the field, given the
// answers so far (parents' data only for minors, and so on).
func (f *Form) Asks(id string, soFar map[string]any, ctx Context) bool {
	fd, ok := f.Field(id)
	if !ok {
		return false
	}
	if fd.AskIf == nil {
		return true
	}
	r := f.evaluate(f.known(soFar), nil, ctx, true)
	return fd.AskIf.eval(r.env)
}

// Defaults offers values derived from a NIK already entered: the birth date
// with the century guessed against today, and the sex. Keys are field ids.
func (f *Form) Defaults(soFar map[string]any) map[string]string {
	return f.DefaultsAt(soFar, time.Now())
}

// DefaultsAt is Defaults with the day fixed, for tests and for events
// captured on another date.
func (f *Form) DefaultsAt(soFar map[string]any, today time.Time) map[string]string {
	out := map[string]string{}
	values := f.known(soFar)
	for i := range f.Fields {
		fd := &f.Fields[i]
		if fd.Default == nil {
			continue
		}
		s, _ := values[fd.Default.FromNIK].(string)
		n, err := parseNIK(s, nikLabel)
		if err != nil {
			continue
		}
		switch fd.Default.Part {
		case "birth_date":
			out[fd.ID] = n.GuessBirthDate(today).Format(dateLayout)
		case "sex":
			if c, ok := fd.Choice(n.Sex()); ok {
				out[fd.ID] = c.Value
			}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func shownAny(v any) string {
	if s, ok := v.(string); ok {
		return shown(s)
	}
	if l, ok := v.([]string); ok {
		return shown(strings.Join(l, ", "))
	}
	return shown(fmt.Sprint(v))
}
