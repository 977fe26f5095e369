package intake

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// DefaultForm is the form used when neither the command nor the data name one.
const DefaultForm = "passport"

// CaptureInput is one applicant as the officer entered them.
type CaptureInput struct {
	FormID    string            // "" = Data["form"], else DefaultForm
	Data      map[string]any    // field id → value, as decoded from JSON
	Overrides map[string]string // field → the officer's reason
	Photo     []byte            // JPEG, optional
	RosterNo  int               // the roster entry this completes, 0 if none
	DraftID   string            // the draft this completes, "" if none
	// RosterConfirmed says the officer has seen that the data disagrees
	// with the roster entry (another name or NIK) and completes it anyway.
	RosterConfirmed bool
}

// Captured is a saved application with what validation said.
type Captured struct {
	App      Application
	Warnings []forms.Issue
	Result   forms.Result
	// Roster says where the data disagrees with the roster entry it
	// completes (Preview): Capture refuses it unless RosterConfirmed.
	Roster []forms.Issue
}

// formFor resolves which form the input uses: the one named, else the
// data's "form", else DefaultForm; the two must agree when both are given.
func (s *Service) formFor(formID string, data map[string]any) (*forms.Form, error) {
	inData, _ := data["form"].(string)
	if _, ok := data["form"]; ok && inData == "" {
		return nil, invalid([]forms.Issue{issue("form", "invalid_type", "form harus berupa teks", "form must be a string")})
	}
	switch {
	case formID == "" && inData == "":
		formID = DefaultForm
	case formID == "":
		formID = inData
	case inData != "" && inData != formID:
		return nil, invalid([]forms.Issue{issue("form", "form_mismatch",
			fmt.Sprintf("data untuk formulir %q, bukan %q", inData, formID),
			fmt.Sprintf("the data is for form %q, not %q", inData, formID))})
	}
	f, err := s.forms.Get(formID)
	if err != nil {
		return nil, invalid([]forms.Issue{fieldError("form", err)})
	}
	return f, nil
}

// checkContext is the context every check of an applicant runs in, at the
// terminal as in Capture: today, the event's type, the office's tables.
func (s *Service) checkContext(tx Tx, ev Event, overrides map[string]string) forms.Context {
	return forms.Context{Today: s.localNow(tx), EventType: string(ev.Type), Overrides: overrides, Tables: s.tables}
}

// check validates data against the form in the context of an event and
// adds the kit's own warnings (an identity number already used in this
// kit).
func (s *Service) check(tx Tx, f *forms.Form, ev Event, data map[string]any, overrides map[string]string, selfID string) (forms.Result, []forms.Issue, error) {
	res := f.Check(data, s.checkContext(tx, ev, overrides))
	warnings := append([]forms.Issue(nil), res.Warnings...)
	field, _ := f.Roles[forms.RoleIdentityNumber]
	if id := f.RoleValue(forms.RoleIdentityNumber, res.Values); id != "" {
		same, err := tx.SameIdentity(id, selfID)
		if err != nil {
			return res, nil, err
		}
		for _, o := range same {
			ref := o.Number
			if ref == "" {
				ref = "draf " + o.ID[:8]
			}
			warnings = append(warnings, forms.Issue{Field: field, Code: "duplicate_nik", Severity: forms.Warning,
				Message: lang.Text{
					ID: fmt.Sprintf("NIK ini sudah ada di kit pada permohonan %s (%s)", ref, o.Status),
					EN: fmt.Sprintf("this NIK is already in the kit on application %s (%s)", ref, o.Status)}})
		}
	}
	return res, warnings, nil
}

// findOf is what an application is found by, from the fields its form
// gives the roles that search and duplicate detection read.
func findOf(f *forms.Form, number string, values map[string]any) Find {
	id := f.RoleValue(forms.RoleIdentityNumber, values)
	words := []string{f.RoleValue(forms.RoleName, values), id, number, f.RoleValue(forms.RoleDocumentNumber, values)}
	return Find{IdentityNumber: id, Text: strings.ToLower(strings.Join(words, " "))}
}

// photoOf checks a photo given with an applicant; nil when there is none.
func photoOf(data []byte) (*Attachment, error) {
	if data == nil {
		return nil, nil
	}
	a, err := CheckPhoto(data)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// statusOf is where a checked application stands: complete, or still
// missing documents.
func statusOf(d Document) Status {
	if len(d.Missing) > 0 {
		return StatusIncomplete
	}
	return StatusCaptured
}

// DocumentOf is what a checked application stores: the values and what
// validation said (with the kit's own warnings), the documents by id.
func DocumentOf(res forms.Result, warnings []forms.Issue) Document {
	d := Document{Values: res.Values, Derived: res.Derived, Warnings: warnings, Overridden: res.Overridden, Fee: res.Fee}
	for _, doc := range res.Received {
		d.Received = append(d.Received, doc.ID)
	}
	for _, doc := range res.Missing {
		d.Missing = append(d.Missing, doc.ID)
	}
	return d
}

// Entry is an applicant being taken, before it is checked: the form, the
// open event, the values to start from and the context its checks run in.
// Capture, Preview and interactive intake all start from one, so that what
// the terminal shows is what Capture will decide.
type Entry struct {
	Form    *forms.Form
	Event   Event
	Draft   Application // the draft it completes; zero if none
	Values  map[string]any
	Context forms.Context
	Roster  *RosterEntry // the roster entry it completes; nil if none
	in      CaptureInput
}

// begin resolves what a capture starts from, in tx: the officer, the open
// event, the draft and the roster entry it completes, and the values in
// layers: the roster entry's, then the draft's, then in.Data on top. A
// value of nil in in.Data clears the one beneath (an answer removed at the
// terminal, a null in a data file).
func (s *Service) begin(tx Tx, in CaptureInput) (Entry, Officer, error) {
	actor, err := s.actor(tx, RoleOfficer)
	if err != nil {
		return Entry{}, actor, err
	}
	ev, err := tx.OpenEvent()
	if err != nil {
		return Entry{}, actor, err
	}
	e := Entry{Event: ev, Values: map[string]any{}}
	if in.DraftID != "" {
		if e.Draft, err = findApp(tx, in.DraftID); err != nil {
			return Entry{}, actor, err
		}
		if e.Draft.Status != StatusDraft {
			return Entry{}, actor, Errorf(CodeConflict, "%s bukan draf (%s)", "%s is not a draft (%s)", in.DraftID, e.Draft.Status)
		}
		if e.Draft.EventID != ev.ID {
			// Its roster entry and its event are another event's.
			return Entry{}, actor, Errorf(CodeConflict, "draf %s dibuat di acara lain yang sudah ditutup", "draft %s was made at another event, which is closed", e.Draft.Ref()).
				WithHint("mulai permohonan baru di acara ini, atau batalkan draf itu", "start a new application at this event, or void that draft")
		}
		in.DraftID = e.Draft.ID
		if in.FormID == "" {
			in.FormID = e.Draft.FormID
		}
		if in.RosterNo == 0 {
			in.RosterNo = e.Draft.RosterNo
		}
	}
	if in.RosterNo != 0 {
		if err := s.checkRosterFree(tx, ev, in.RosterNo, in.DraftID); err != nil {
			return Entry{}, actor, err
		}
		r, err := tx.RosterEntry(ev.ID, in.RosterNo)
		if err != nil {
			return Entry{}, actor, err
		}
		maps.Copy(e.Values, r.Values)
		e.Roster = &r
	}
	if in.DraftID != "" {
		maps.Copy(e.Values, e.Draft.Doc.Values)
	}
	for k, v := range in.Data {
		if v == nil {
			delete(e.Values, k)
		} else {
			e.Values[k] = v
		}
	}
	if e.Form, err = s.formFor(in.FormID, e.Values); err != nil {
		return Entry{}, actor, err
	}
	if in.DraftID != "" && e.Form.ID != e.Draft.FormID {
		return Entry{}, actor, invalid([]forms.Issue{issue("form", "form_mismatch",
			fmt.Sprintf("draf ini untuk formulir %q, bukan %q", e.Draft.FormID, e.Form.ID),
			fmt.Sprintf("this draft is for form %q, not %q", e.Draft.FormID, e.Form.ID))})
	}
	delete(e.Values, "form")
	in.FormID = e.Form.ID
	e.Context = s.checkContext(tx, ev, in.Overrides)
	e.in = in
	return e, actor, nil
}

// Begin returns what interactive intake starts from: the form, the values
// of the roster entry and the draft it completes (in.Data on top), and the
// context every answer is checked in, the same as Capture's. Nothing is
// written.
func (s *Service) Begin(ctx context.Context, in CaptureInput) (Entry, error) {
	var e Entry
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		e, _, err = s.begin(tx, in)
		return err
	})
	return e, err
}

// Preview checks an applicant exactly as Capture would, with the kit's own
// warnings (a NIK already in the kit), and saves nothing.
func (s *Service) Preview(ctx context.Context, in CaptureInput) (Captured, error) {
	var out Captured
	err := s.store.View(ctx, func(tx Tx) error {
		e, _, err := s.begin(tx, in)
		if err != nil {
			return err
		}
		res, warnings, err := s.check(tx, e.Form, e.Event, e.Values, in.Overrides, e.in.DraftID)
		out = Captured{App: Application{FormID: e.Form.ID, FormVersion: e.Form.Version, Doc: DocumentOf(res, warnings)}, Warnings: warnings, Result: res,
			Roster: RosterDisagreements(e.Roster, res.Values)}
		out.App.Status = statusOf(out.App.Doc)
		return err
	})
	return out, err
}

// Capture validates an applicant and, if nothing blocks, saves the
// application with a new number: captured when every document is there,
// incomplete otherwise. The values are the roster entry's and the draft's
// that it completes, with in.Data on top. Refused input changes nothing.
func (s *Service) Capture(ctx context.Context, in CaptureInput) (Captured, error) {
	photo, err := photoOf(in.Photo)
	if err != nil {
		return Captured{}, err
	}
	var out Captured
	err = s.store.Update(ctx, func(tx Tx) error {
		e, actor, err := s.begin(tx, in)
		if err != nil {
			return err
		}
		in := e.in
		kit, err := tx.Kit()
		if err != nil {
			return err
		}
		if err := s.overLimit(tx); err != nil {
			return err
		}
		res, warnings, err := s.check(tx, e.Form, e.Event, e.Values, in.Overrides, in.DraftID)
		if err != nil {
			return err
		}
		if !res.OK() {
			return invalid(res.Errors)
		}
		if d := RosterDisagreements(e.Roster, res.Values); len(d) > 0 && !in.RosterConfirmed {
			return &Error{Code: CodeRosterMismatch, Issues: d, Message: lang.Text{
				ID: fmt.Sprintf("data ini tidak cocok dengan nomor %d di daftar: orang lain?", in.RosterNo),
				EN: fmt.Sprintf("this data disagrees with roster entry %d: another person?", in.RosterNo)}}
		}
		// The number's day is the kit's, whatever the laptop's zone.
		now := s.now().In(kit.Location())
		seq, err := tx.NextSequence("number:" + now.Format("2006-01-02"))
		if err != nil {
			return err
		}
		app := e.Draft // a new application when there is no draft
		if app.ID == "" {
			app.ID = s.newID()
		}
		app.Number, app.EventID, app.FormID, app.FormVersion = FormatNumber(kit.Code, now, seq), e.Event.ID, e.Form.ID, e.Form.Version
		app.RosterNo, app.Doc = in.RosterNo, DocumentOf(res, warnings)
		if photo != nil {
			if err := tx.PutAttachment(photo.SHA256, in.Photo); err != nil {
				return err
			}
			app.Doc.Photo = photo
		}
		app.Find = findOf(e.Form, app.Number, app.Doc.Values)
		reasons := overrideReasons(res.Overridden)
		if err := s.move(tx, actor, &app, move{To: statusOf(app.Doc), Reason: reasons, NewVersion: true, Audit: "app.capture",
			Detail: map[string]any{"number": app.Number, "status": statusOf(app.Doc), "form": e.Form.ID, "form_version": e.Form.Version, "warnings": codes(warnings)}}); err != nil {
			return err
		}
		if in.RosterNo != 0 {
			if err := tx.SetRosterApp(e.Event.ID, in.RosterNo, app.ID); err != nil {
				return err
			}
		}
		out = Captured{App: app, Warnings: warnings, Result: res}
		return nil
	})
	return out, err
}

func overrideReasons(over []forms.Issue) string {
	var parts []string
	for _, o := range over {
		parts = append(parts, o.Field+": "+o.Reason)
	}
	return strings.Join(parts, "; ")
}

func codes(issues []forms.Issue) []string {
	var c []string
	for _, i := range issues {
		c = append(c, i.Field+":"+i.Code)
	}
	return c
}

// SaveDraft keeps an interrupted entry so that it can be resumed. Drafts are
// not validated and have no number yet.
func (s *Service) SaveDraft(ctx context.Context, draftID, formID string, values map[string]any, rosterNo int) (Application, error) {
	f, err := s.forms.Get(formID)
	if err != nil {
		return Application{}, invalid([]forms.Issue{fieldError("form", err)})
	}
	var app Application
	err = s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
		ev, err := tx.OpenEvent()
		if err != nil {
			return err
		}
		if draftID != "" {
			if app, err = tx.Application(draftID); err != nil {
				return err
			}
			if app.Status != StatusDraft {
				return Errorf(CodeConflict, "%s bukan draf lagi (%s)", "%s is no longer a draft (%s)", draftID, app.Status)
			}
		} else {
			app = Application{ID: s.newID(), EventID: ev.ID, FormID: f.ID, FormVersion: f.Version, RosterNo: rosterNo}
		}
		app.Doc = Document{Values: values}
		app.Find = findOf(f, "", values)
		return s.move(tx, actor, &app, move{To: StatusDraft, NewVersion: true, Audit: "app.draft", Detail: map[string]any{"fields": len(values)}})
	})
	return app, err
}

// EditInput is a correction: the whole new data of the application.
type EditInput struct {
	ID        string // id or number
	Data      map[string]any
	Overrides map[string]string
	Photo     []byte // nil keeps the current photo
	Reason    string
}

// Edit stores a corrected version of an application that has not left the
// kit. The old version stays; an approved or returned application goes back
// to captured (or incomplete) and needs approving again.
func (s *Service) Edit(ctx context.Context, in EditInput) (Captured, error) {
	photo, err := photoOf(in.Photo)
	if err != nil {
		return Captured{}, err
	}
	var out Captured
	err = s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
		app, err := findApp(tx, in.ID)
		if err != nil {
			return err
		}
		if err := editable(tx, app); err != nil {
			return err
		}
		f, err := s.formFor(app.FormID, in.Data)
		if err != nil {
			return err
		}
		ev, err := tx.Event(app.EventID)
		if err != nil {
			return err
		}
		res, warnings, err := s.check(tx, f, ev, in.Data, in.Overrides, app.ID)
		if err != nil {
			return err
		}
		if !res.OK() {
			return invalid(res.Errors)
		}
		oldDoc := app.Doc
		app.Doc = DocumentOf(res, warnings)
		app.Doc.Photo = oldDoc.Photo
		if photo != nil {
			if err := tx.PutAttachment(photo.SHA256, in.Photo); err != nil {
				return err
			}
			app.Doc.Photo = photo
		}
		changes := Changes(f, oldDoc, app.Doc)
		if len(changes) == 0 {
			// A correction that corrects nothing would only add a version
			// and send the application back for approval.
			return Errorf(CodeUnchanged, "tidak ada yang berubah pada %s: tidak ada versi baru", "nothing changed in %s: no new version made", app.Number).About(app.Number)
		}
		var changed []string
		for _, c := range changes {
			changed = append(changed, c.Field)
		}
		app.FormVersion = f.Version
		app.Find = findOf(f, app.Number, app.Doc.Values)
		to := statusOf(app.Doc)
		if err := s.move(tx, actor, &app, move{To: to, Reason: in.Reason, NewVersion: true, VersionReason: in.Reason, Audit: "app.edit",
			Detail: map[string]any{"number": app.Number, "version": app.Version + 1, "status": to, "changed": changed}}); err != nil {
			return err
		}
		out = Captured{App: app, Warnings: warnings, Result: res}
		return nil
	})
	return out, err
}

// Void ends an application that has not left the kit; the reason is
// required and recorded. Nothing is deleted.
func (s *Service) Void(ctx context.Context, id, reason string) (Application, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 3 {
		return Application{}, invalid([]forms.Issue{issue("reason", "required", "alasan pembatalan wajib diisi", "a reason for voiding is required")})
	}
	var app Application
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
		if app, err = findApp(tx, id); err != nil {
			return err
		}
		if app.Status == StatusVoided {
			return Errorf(CodeConflict, "permohonan %s sudah dibatalkan", "application %s is voided already", app.Ref())
		}
		if !app.Status.Local() {
			return Errorf(CodeConflict, "permohonan %s sudah %s: hanya kantor yang bisa membatalkannya", "application %s is %s: only the office can cancel it now", app.Ref(), app.Status)
		}
		if err := onItsWay(tx, app); err != nil {
			return err
		}
		if app.RosterNo != 0 {
			// A voided completion frees its roster entry for the right
			// person.
			if r, err := tx.RosterEntry(app.EventID, app.RosterNo); err == nil && r.AppID == app.ID {
				if err := tx.SetRosterApp(app.EventID, app.RosterNo, ""); err != nil {
					return err
				}
			} else if err != nil && !IsCode(err, CodeNotFound) {
				return err
			}
		}
		return s.move(tx, actor, &app, move{To: StatusVoided, Reason: reason, Audit: "app.void", Detail: map[string]any{"number": app.Number, "from": app.Status, "roster_no": app.RosterNo}})
	})
	return app, err
}

// Ref is how people refer to the application: its number, or its id while a
// draft.
func (a Application) Ref() string {
	if a.Number != "" {
		return a.Number
	}
	return a.ID
}

// findApp finds an application by number or id.
func findApp(tx Tx, ref string) (Application, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Application{}, Errorf(CodeInvalid, "nomor permohonan wajib diisi", "an application number is required")
	}
	if ValidNumber(ref) {
		return tx.ApplicationByNumber(NormalizeNumber(ref))
	}
	app, err := tx.Application(ref)
	if IsCode(err, CodeNotFound) {
		switch strings.Count(ref, "-") {
		case 3:
			return Application{}, Errorf(CodeNotFound, "%q bukan nomor permohonan yang sah (karakter pemeriksa tidak cocok)", "%q is not a valid application number (the check character does not match)", ref).
				WithHint("periksa lagi nomor pada tanda terima: satu karakter salah ketik atau tertukar", "check the number on the receipt again: a character is mistyped or swapped")
		case 2:
			return Application{}, Errorf(CodeNotFound, "nomor %q tidak lengkap: karakter pemeriksa di ujungnya kurang", "number %q is incomplete: the check character at its end is missing", ref).
				WithHint("ketik nomor lengkap seperti pada tanda terima, misalnya KTB01-261127-0001-5", "type the whole number as on the receipt, for example KTB01-261127-0001-5")
		}
	}
	return app, err
}

// Detail is an application with its history.
type Detail struct {
	App         Application
	Event       Event
	Officer     Officer
	Versions    []Version
	Transitions []Transition
}

// Application returns one application, by number or id, with its history.
func (s *Service) Application(ctx context.Context, ref string) (Detail, error) {
	var d Detail
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		if d.App, err = findApp(tx, ref); err != nil {
			return err
		}
		if d.Event, err = tx.Event(d.App.EventID); err != nil {
			return err
		}
		if d.Officer, err = tx.Officer(d.App.OfficerID); err != nil {
			return err
		}
		if d.Versions, err = tx.Versions(d.App.ID); err != nil {
			return err
		}
		d.Transitions, err = tx.Transitions(d.App.ID)
		return err
	})
	return d, err
}

// Applications lists applications, newest first.
func (s *Service) Applications(ctx context.Context, f Filter) ([]Application, error) {
	var list []Application
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		list, err = tx.Applications(f)
		return err
	})
	return list, err
}

// Photo returns the bytes of an attachment.
func (s *Service) Photo(ctx context.Context, sha string) ([]byte, error) {
	var b []byte
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		b, err = tx.Attachment(sha)
		return err
	})
	return b, err
}

// ReceiptIssue is what a receipt needs beyond the application.
type ReceiptIssue struct {
	Detail
	Kit  Kit
	Copy int // 0 = the original, n = the n-th copy
	// NextVisit is the office's next planned visit to the event's place,
	// where the passport will be collected; nil when none is known.
	NextVisit *Visit
}

// IssueReceipt returns what a receipt printed again needs, numbered as
// the next copy. Nothing is counted yet: ReceiptGiven counts it once the
// PDF is written or printed, so that a reprint that fails does not use up
// a copy number (nor an original that never reached the applicant).
func (s *Service) IssueReceipt(ctx context.Context, ref string) (ReceiptIssue, error) {
	var r ReceiptIssue
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		if r.App, err = findApp(tx, ref); err != nil {
			return err
		}
		if r.App.Status == StatusDraft {
			return Errorf(CodeConflict, "draf belum punya tanda terima", "a draft has no receipt yet")
		}
		if r.Kit, err = tx.Kit(); err != nil {
			return err
		}
		if r.Event, err = tx.Event(r.App.EventID); err != nil {
			return err
		}
		if r.Officer, err = tx.Officer(r.App.OfficerID); err != nil {
			return err
		}
		if r.NextVisit, err = nextVisit(tx, r.Event); err != nil {
			return err
		}
		r.Copy = r.App.Receipts
		return nil
	})
	return r, err
}

// ReceiptGiven counts the receipt that IssueReceipt numbered, now that it
// was written or printed, and records it in the audit log. Counted once:
// when another receipt of the application was counted in between, this
// one's number is already used and it changes nothing.
func (s *Service) ReceiptGiven(ctx context.Context, r ReceiptIssue) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
		a, err := tx.Application(r.App.ID)
		if err != nil {
			return err
		}
		if a.Receipts != r.Copy {
			return nil
		}
		a.Receipts++
		if err := tx.UpdateApplication(a); err != nil {
			return err
		}
		return s.audit(tx, actor, "receipt.issue", "application", a.ID, "", map[string]any{"number": a.Number, "copy": r.Copy})
	})
}

// ReceiptWritten records that the original receipt of a just-captured
// application was written: a later print is then a numbered copy. Counted
// only once the PDF exists, so that an applicant whose original failed to
// print gets an original, not "COPY 1".
func (s *Service) ReceiptWritten(ctx context.Context, id string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		a, err := tx.Application(id)
		if err != nil {
			return err
		}
		a.Receipts++
		return tx.UpdateApplication(a)
	})
}

// ReceiptFor returns what the receipt of a just-captured application needs,
// without counting a copy: the capture itself issued the original.
func (s *Service) ReceiptFor(ctx context.Context, app Application) (ReceiptIssue, error) {
	r := ReceiptIssue{Detail: Detail{App: app}}
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if r.Kit, err = tx.Kit(); err != nil {
			return err
		}
		if r.Event, err = tx.Event(app.EventID); err != nil {
			return err
		}
		if r.NextVisit, err = nextVisit(tx, r.Event); err != nil {
			return err
		}
		r.Officer, err = tx.Officer(app.OfficerID)
		return err
	})
	return r, err
}
