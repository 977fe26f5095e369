package intake

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// Roster files: the list an institution sends for a collective Eazy Paspor
// service. The header names the columns; these are required, any other
// column must be a field of the passport form.
var rosterRequired = []string{"full_name", "nik", "birth_date", "application_type", "phone"}

// MaxRosterRows bounds a roster file; a collective request is tens of
// people, a regency's list a few thousand.
const MaxRosterRows = 10000

// RosterProblem is one bad cell of a roster file.
type RosterProblem struct {
	Line  int // line of the file, the header being line 1
	Issue forms.Issue
}

// RosterReport says what an import did.
type RosterReport struct {
	Event    Event
	Rows     int
	Imported []RosterEntry
	Skipped  []int // lines not imported (with --skip-invalid)
	Problems []RosterProblem
	Warnings []RosterProblem
}

// ParseRoster reads a roster CSV and checks every row against the passport
// form's fields in the context of an event type. It returns the good rows
// and every problem; it never stops at the first.
func ParseRoster(r io.Reader, eventType EventType, ctx forms.Context) (rows []RosterEntry, problems, warnings []RosterProblem, err error) {
	f, err := forms.Get(DefaultForm)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx.EventType = string(eventType)
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, nil, Errorf(CodeInvalid, "berkas daftar kosong", "the roster file is empty")
	}
	if err != nil {
		return nil, nil, nil, rosterCSVError(err)
	}
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if slices.Contains(cols[:i], h) {
			return nil, nil, nil, Errorf(CodeInvalid, "kolom %q muncul dua kali di baris judul", "column %q appears twice in the header", h)
		}
		if _, ok := f.Field(h); !ok {
			return nil, nil, nil, Errorf(CodeInvalid, "kolom %q tidak dikenal", "unknown column %q", h).
				WithHint("kolom wajib: "+strings.Join(rosterRequired, ","), "required columns: "+strings.Join(rosterRequired, ","))
		}
		cols[i] = h
	}
	for _, need := range rosterRequired {
		if !slices.Contains(cols, need) {
			return nil, nil, nil, Errorf(CodeInvalid, "kolom wajib %q tidak ada di baris judul", "required column %q is missing from the header", need).
				WithHint("kolom wajib: "+strings.Join(rosterRequired, ","), "required columns: "+strings.Join(rosterRequired, ","))
		}
	}
	seenNIK := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A broken quote or the like: the file is not CSV from here
			// on, so no row after it can be trusted.
			return nil, nil, nil, rosterCSVError(err)
		}
		line := 0
		if len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if len(rows)+len(problems) >= MaxRosterRows {
			return nil, nil, nil, Errorf(CodeInvalid, "daftar terlalu panjang (lebih dari %d baris)", "the roster is too long (over %d rows)", MaxRosterRows)
		}
		if len(rec) != len(cols) {
			problems = append(problems, RosterProblem{Line: line, Issue: issue("", "field_count",
				fmt.Sprintf("baris punya %d kolom, judul %d", len(rec), len(cols)),
				fmt.Sprintf("the row has %d columns, the header %d", len(rec), len(cols)))})
			continue
		}
		values := map[string]any{}
		bad := false
		for i, raw := range rec {
			raw = strings.TrimSpace(raw)
			if !utf8.ValidString(raw) {
				problems = append(problems, RosterProblem{Line: line, Issue: issue(cols[i], "encoding", "teks bukan UTF-8", "the text is not UTF-8")})
				bad = true
				continue
			}
			if raw == "" {
				if slices.Contains(rosterRequired, cols[i]) {
					problems = append(problems, RosterProblem{Line: line, Issue: issue(cols[i], "required", "kosong", "empty")})
					bad = true
				}
				continue
			}
			// The institution's list may carry titles in names: that is for
			// the officer to fix when completing the entry, not a reason to
			// refuse the list.
			if cols[i] == "full_name" {
				values[cols[i]] = raw
				continue
			}
			v, issues := f.ParseField(cols[i], raw, values, ctx)
			for _, is := range issues {
				p := RosterProblem{Line: line, Issue: is}
				if is.Severity == forms.Warning {
					warnings = append(warnings, p)
				} else {
					problems = append(problems, p)
					bad = true
				}
			}
			if v != nil {
				values[cols[i]] = v
			}
		}
		if nik, _ := values["nik"].(string); nik != "" && !bad {
			if prev, dup := seenNIK[nik]; dup {
				problems = append(problems, RosterProblem{Line: line, Issue: issue("nik", "duplicate_nik",
					fmt.Sprintf("NIK sama dengan baris %d", prev), fmt.Sprintf("same NIK as line %d", prev))})
				bad = true
			} else {
				seenNIK[nik] = line
			}
		}
		if !bad {
			rows = append(rows, RosterEntry{Line: line, Values: values})
		}
	}
	return rows, problems, warnings, nil
}

func rosterCSVError(err error) error {
	return Errorf(CodeInvalid, "berkas daftar bukan CSV yang sah: %v", "the roster file is not valid CSV: %v", err)
}

// ImportRoster imports a roster into an event (the open one when eventID is
// empty). Every row is checked first; unless skipInvalid, one bad row means
// nothing is imported. A NIK already in the event's roster is a bad row, so
// importing the same file twice adds nothing.
func (s *Service) ImportRoster(ctx context.Context, r io.Reader, eventID string, skipInvalid bool) (RosterReport, error) {
	var rep RosterReport
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if eventID == "" {
			rep.Event, err = tx.OpenEvent()
		} else {
			rep.Event, err = tx.Event(eventID)
		}
		if err != nil {
			return err
		}
		if !rep.Event.Open() {
			return Errorf(CodeConflict, "acara %q sudah ditutup", "event %q is closed", rep.Event.Name)
		}
		rows, problems, warnings, err := ParseRoster(r, rep.Event.Type, forms.Context{Today: s.localNow(tx), Tables: s.tables})
		if err != nil {
			return err
		}
		rep.Rows = len(rows) + countLines(problems)
		existing, err := tx.RosterEntries(rep.Event.ID)
		if err != nil {
			return err
		}
		have := map[string]int{}
		next := 1
		for _, e := range existing {
			if nik, _ := e.Values["nik"].(string); nik != "" {
				have[nik] = e.No
			}
			next = max(next, e.No+1)
		}
		rep.Warnings = warnings
		var keep []RosterEntry
		for _, row := range rows {
			if n, dup := have[row.Values["nik"].(string)]; dup {
				problems = append(problems, RosterProblem{Line: row.Line, Issue: issue("nik", "duplicate_nik",
					fmt.Sprintf("NIK sudah ada di daftar acara ini (nomor %d)", n), fmt.Sprintf("NIK already in this event's roster (entry %d)", n))})
				continue
			}
			keep = append(keep, row)
		}
		slices.SortStableFunc(problems, func(a, b RosterProblem) int { return a.Line - b.Line })
		rep.Problems = problems
		if len(problems) > 0 && !skipInvalid {
			return invalidRoster(problems)
		}
		for _, p := range problems {
			if !slices.Contains(rep.Skipped, p.Line) {
				rep.Skipped = append(rep.Skipped, p.Line)
			}
		}
		// Entries are numbered within the event, in file order, after what
		// is there already: the number officers use with --from-roster.
		for i := range keep {
			keep[i].EventID, keep[i].Imported, keep[i].No = rep.Event.ID, s.now(), next
			next++
		}
		if len(keep) > 0 {
			if err := tx.InsertRosterEntries(keep); err != nil {
				return err
			}
		}
		rep.Imported = keep
		return s.audit(tx, actor, "roster.import", "event", rep.Event.ID, "", map[string]any{"imported": len(keep), "skipped": rep.Skipped})
	})
	return rep, err
}

func countLines(ps []RosterProblem) int {
	seen := map[int]bool{}
	for _, p := range ps {
		seen[p.Line] = true
	}
	return len(seen)
}

// invalidRoster is the error for a roster with bad rows: the issues carry
// the line in their field name, "line 3: nik".
func invalidRoster(ps []RosterProblem) *Error {
	e := Errorf(CodeRosterRefused, "daftar ditolak: %d baris salah, tidak ada yang diimpor", "roster refused: %d bad rows, nothing imported", countLines(ps))
	for _, p := range ps {
		is := p.Issue
		is.Field = fmt.Sprintf("line %d: %s", p.Line, is.Field)
		e.Issues = append(e.Issues, is)
	}
	return e
}

// RosterLine is a roster entry as the roster list shows it: with the
// application that completed it (nil while it waits, or after that
// application was voided).
type RosterLine struct {
	RosterEntry
	App *Application
}

// RosterEntries lists the open (or given) event's roster, each entry with
// the application holding it.
func (s *Service) RosterEntries(ctx context.Context, eventID string) (Event, []RosterLine, error) {
	var ev Event
	var list []RosterLine
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		if eventID == "" {
			ev, err = tx.OpenEvent()
		} else {
			ev, err = tx.Event(eventID)
		}
		if err != nil {
			return err
		}
		entries, err := tx.RosterEntries(ev.ID)
		if err != nil {
			return err
		}
		for _, e := range entries {
			l := RosterLine{RosterEntry: e}
			if e.AppID != "" {
				app, err := tx.Application(e.AppID)
				if err != nil {
					return err
				}
				if app.Status != StatusVoided {
					l.App = &app
				}
			}
			list = append(list, l)
		}
		return nil
	})
	return ev, list, err
}

// RosterEntry returns one entry of the open event's roster, refusing one
// that an application has completed already.
func (s *Service) RosterEntry(ctx context.Context, no int) (RosterEntry, error) {
	var e RosterEntry
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		ev, err := tx.OpenEvent()
		if err != nil {
			return err
		}
		if err := s.checkRosterFree(tx, ev, no, ""); err != nil {
			return err
		}
		e, err = tx.RosterEntry(ev.ID, no)
		return err
	})
	return e, err
}

func (s *Service) checkRosterFree(tx Tx, ev Event, no int, draftID string) error {
	e, err := tx.RosterEntry(ev.ID, no)
	if IsCode(err, CodeNotFound) {
		return Errorf(CodeNoRosterEntry, "tidak ada nomor %d di daftar acara %q", "there is no entry %d in the roster of event %q", no, ev.Name)
	}
	if err != nil {
		return err
	}
	if e.AppID != "" && e.AppID != draftID {
		app, err := tx.Application(e.AppID)
		if err != nil {
			return err
		}
		if app.Status != StatusVoided && app.Status != StatusDraft {
			return Errorf(CodeConflict, "nomor %d di daftar sudah diselesaikan oleh permohonan %s", "roster entry %d is already completed by application %s", no, app.Ref())
		}
	}
	return nil
}

// RosterDisagreements says where values (as checked) name another person
// than the roster entry they complete: another NIK, or a name that shares
// no words with the entry's. A name only cleaned up (a title or a degree
// dropped, another case) agrees. nil when there is no entry.
func RosterDisagreements(r *RosterEntry, values map[string]any) []forms.Issue {
	if r == nil {
		return nil
	}
	var out []forms.Issue
	was, _ := r.Values["nik"].(string)
	now, _ := values["nik"].(string)
	if was != "" && now != "" && was != now {
		out = append(out, forms.Issue{Field: "nik", Code: "roster_nik_differs", Severity: forms.Overridable, Message: lang.Text{
			ID: fmt.Sprintf("NIK %s, tetapi nomor %d di daftar ber-NIK %s", now, r.No, was),
			EN: fmt.Sprintf("NIK %s, but roster entry %d has NIK %s", now, r.No, was)}})
	}
	wasName, _ := r.Values["full_name"].(string)
	nowName, _ := values["full_name"].(string)
	if wasName != "" && nowName != "" && !sameName(wasName, nowName) {
		out = append(out, forms.Issue{Field: "full_name", Code: "roster_name_differs", Severity: forms.Overridable, Message: lang.Text{
			ID: fmt.Sprintf("nama %q, tetapi nomor %d di daftar bernama %q", nowName, r.No, wasName),
			EN: fmt.Sprintf("name %q, but roster entry %d is %q", nowName, r.No, wasName)}})
	}
	return out
}

// sameName: every word of the shorter name is a word of the longer one,
// punctuation and case aside ("Nor Aisyah" is "Hj. Nor Aisyah, S.Pd").
func sameName(a, b string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	}
	wa, wb := words(a), words(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	if len(wa) == 0 {
		return true
	}
	for _, w := range wa {
		if !slices.Contains(wb, w) {
			return false
		}
	}
	return true
}
