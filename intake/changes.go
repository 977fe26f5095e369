package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// Change is one difference between two versions of an application: a
// field's value, the photo, or an override's reason.
type Change struct {
	Field string // a field id, "photo", or "override:FIELD"
	From  any    // nil: there was none
	To    any    // nil: removed
}

// Changes lists what differs from old to new, field by field in the
// form's order (then any others by name), the photo and overrides last.
func Changes(f *forms.Form, old, new Document) []Change {
	var out []Change
	seen := map[string]bool{}
	cmp := func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		a, aok := old.Values[id]
		b, bok := new.Values[id]
		if aok != bok || !sameValue(a, b) {
			out = append(out, Change{Field: id, From: a, To: b})
		}
	}
	if f != nil {
		for _, fd := range f.Fields {
			cmp(fd.ID)
		}
	}
	var rest []string
	for k := range old.Values {
		rest = append(rest, k)
	}
	for k := range new.Values {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		cmp(k)
	}
	if (old.Photo == nil) != (new.Photo == nil) || (old.Photo != nil && old.Photo.SHA256 != new.Photo.SHA256) {
		var a, b any
		if old.Photo != nil {
			a = old.Photo.SHA256
		}
		if new.Photo != nil {
			b = new.Photo.SHA256
		}
		out = append(out, Change{Field: "photo", From: a, To: b})
	}
	reasons := func(d Document) map[string]string {
		m := map[string]string{}
		for _, o := range d.Overridden {
			m[o.Field] = o.Reason
		}
		return m
	}
	ro, rn := reasons(old), reasons(new)
	var keys []string
	for k := range ro {
		keys = append(keys, k)
	}
	for k := range rn {
		if _, ok := ro[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ro[k] != rn[k] {
			var a, b any
			if r, ok := ro[k]; ok {
				a = r
			}
			if r, ok := rn[k]; ok {
				b = r
			}
			out = append(out, Change{Field: "override:" + k, From: a, To: b})
		}
	}
	return out
}

// sameValue compares two stored values as JSON (a value read back from the
// database is []any where a fresh one is []string).
func sameValue(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// EditEntry is what interactive correction starts from: the application's
// form, its event, its current values and override reasons, and the
// context its checks run in.
func (s *Service) EditEntry(ctx context.Context, ref string) (Entry, Application, error) {
	var e Entry
	var app Application
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		if app, err = findApp(tx, ref); err != nil {
			return err
		}
		if err := editable(tx, app); err != nil {
			return err
		}
		if e.Event, err = tx.Event(app.EventID); err != nil {
			return err
		}
		if e.Form, err = s.forms.Get(app.FormID); err != nil {
			return err
		}
		e.Values = map[string]any{}
		for k, v := range app.Doc.Values {
			e.Values[k] = v
		}
		e.Context = s.checkContext(tx, e.Event, nil)
		return nil
	})
	return e, app, err
}

// editable refuses what the kit may no longer change.
func editable(tx Tx, app Application) error {
	if app.Status == StatusDraft {
		return Errorf(CodeStillDraft, "%s masih draf", "%s is still a draft", app.ID).About(app.ID)
	}
	if !app.Status.Local() {
		l := app.Status.Label()
		return &Error{Code: CodeConflict, Message: lang.Text{
			ID: fmt.Sprintf("permohonan %s sudah %s dan tidak bisa diubah di kit", app.Number, l.ID),
			EN: fmt.Sprintf("application %s is %s and can no longer be changed on the kit", app.Number, l.EN)}}
	}
	return onItsWay(tx, app)
}

// String shows a change for a log line.
func (c Change) String() string { return fmt.Sprintf("%s: %v → %v", c.Field, c.From, c.To) }
