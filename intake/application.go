package intake

import (
	"context"
	"fmt"
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
}

// Captured is a saved application with what validation said.
type Captured struct {
	App      Application
	Warnings []forms.Issue
	Result   forms.Result
}

// formFor resolves which form the input uses.
func formFor(formID string, data map[string]any) (*forms.Form, error) {
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
	f, err := forms.Get(formID)
	if err != nil {
		return nil, invalid([]forms.Issue{fieldError("form", err)})
	}
	return f, nil
}

// check validates data against the form in the context of an event and
// adds the kit's own warnings (a NIK already used in this kit).
func (s *Service) check(tx Tx, f *forms.Form, ev Event, data map[string]any, overrides map[string]string, selfID string) (forms.Result, []forms.Issue, error) {
	res := f.Check(data, forms.Context{Today: s.now(), EventType: string(ev.Type), Overrides: overrides, Tables: s.tables})
	warnings := append([]forms.Issue(nil), res.Warnings...)
	if nik, _ := res.Values["nik"].(string); nik != "" {
		same, err := tx.SameNIK(nik, selfID)
		if err != nil {
			return res, nil, err
		}
		for _, o := range same {
			ref := o.Number
			if ref == "" {
				ref = "draf " + o.ID[:8]
			}
			warnings = append(warnings, forms.Issue{Field: "nik", Code: "duplicate_nik", Severity: forms.Warning,
				Message: lang.Text{
					ID: fmt.Sprintf("NIK ini sudah ada di kit pada permohonan %s (%s)", ref, o.Status),
					EN: fmt.Sprintf("this NIK is already in the kit on application %s (%s)", ref, o.Status)}})
		}
	}
	return res, warnings, nil
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

func documentOf(res forms.Result, warnings []forms.Issue) Document {
	d := Document{Values: res.Values, Derived: res.Derived, Warnings: warnings, Overridden: res.Overridden, Fee: res.Fee}
	for _, doc := range res.Received {
		d.Received = append(d.Received, doc.ID)
	}
	for _, doc := range res.Missing {
		d.Missing = append(d.Missing, doc.ID)
	}
	return d
}

// Capture validates an applicant and, if nothing blocks, saves the
// application with a new number: captured when every document is there,
// incomplete otherwise. Refused input changes nothing.
func (s *Service) Capture(ctx context.Context, in CaptureInput) (Captured, error) {
	f, err := formFor(in.FormID, in.Data)
	if err != nil {
		return Captured{}, err
	}
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
		kit, err := tx.Kit()
		if err != nil {
			return err
		}
		ev, err := tx.OpenEvent()
		if err != nil {
			return err
		}
		if err := s.overLimit(tx); err != nil {
			return err
		}
		var draft Application
		if in.DraftID != "" {
			if draft, err = tx.Application(in.DraftID); err != nil {
				return err
			}
			if draft.Status != StatusDraft {
				return Errorf(CodeConflict, "%s bukan draf lagi (%s)", "%s is no longer a draft (%s)", draft.ID, draft.Status)
			}
			if draft.EventID != ev.ID {
				// Its roster entry and its event are another event's.
				return Errorf(CodeConflict, "draf %s dibuat di acara lain yang sudah ditutup", "draft %s was made at another event, which is closed", draft.Ref()).
					WithHint("mulai permohonan baru di acara ini, atau batalkan draf itu", "start a new application at this event, or void that draft")
			}
			if in.RosterNo == 0 {
				in.RosterNo = draft.RosterNo
			}
		}
		if in.RosterNo != 0 {
			if err := s.checkRosterFree(tx, ev, in.RosterNo, in.DraftID); err != nil {
				return err
			}
		}
		res, warnings, err := s.check(tx, f, ev, in.Data, in.Overrides, in.DraftID)
		if err != nil {
			return err
		}
		if !res.OK() {
			return invalid(res.Errors)
		}
		now := s.now()
		seq, err := tx.NextSequence("number:" + now.Format("2006-01-02"))
		if err != nil {
			return err
		}
		app := Application{
			ID: s.newID(), Number: FormatNumber(kit.Code, now, seq), EventID: ev.ID,
			FormID: f.ID, FormVersion: f.Version, Version: 1,
			OfficerID: actor.ID, RosterNo: in.RosterNo, CreatedAt: now, UpdatedAt: now,
			Doc: documentOf(res, warnings),
		}
		app.Status = statusOf(app.Doc)
		if photo != nil {
			if err := tx.PutAttachment(photo.SHA256, in.Photo); err != nil {
				return err
			}
			app.Doc.Photo = photo
		}
		from := Status("")
		if in.DraftID != "" {
			app.ID, app.CreatedAt, app.Version, from = draft.ID, draft.CreatedAt, draft.Version+1, StatusDraft
			err = tx.UpdateApplication(app)
		} else {
			err = tx.InsertApplication(app)
		}
		if err != nil {
			return err
		}
		if err := tx.InsertVersion(Version{AppID: app.ID, Version: app.Version, Status: app.Status, OfficerID: actor.ID, CreatedAt: now, Doc: app.Doc}); err != nil {
			return err
		}
		if err := tx.InsertTransition(Transition{AppID: app.ID, From: from, To: app.Status, OfficerID: actor.ID, Reason: overrideReasons(res.Overridden), At: now}); err != nil {
			return err
		}
		if in.RosterNo != 0 {
			if err := tx.SetRosterApp(ev.ID, in.RosterNo, app.ID); err != nil {
				return err
			}
		}
		out = Captured{App: app, Warnings: warnings, Result: res}
		return s.audit(tx, actor, "app.capture", "application", app.ID, overrideReasons(res.Overridden),
			map[string]any{"number": app.Number, "status": app.Status, "form": f.ID, "form_version": f.Version, "warnings": codes(warnings)})
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
	f, err := forms.Get(formID)
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
		now := s.now()
		if draftID != "" {
			if app, err = tx.Application(draftID); err != nil {
				return err
			}
			if app.Status != StatusDraft {
				return Errorf(CodeConflict, "%s bukan draf lagi (%s)", "%s is no longer a draft (%s)", draftID, app.Status)
			}
			app.Version++
			app.Doc = Document{Values: values}
			app.UpdatedAt, app.OfficerID = now, actor.ID
			if err := tx.UpdateApplication(app); err != nil {
				return err
			}
		} else {
			app = Application{ID: s.newID(), EventID: ev.ID, FormID: f.ID, FormVersion: f.Version, Version: 1,
				Status: StatusDraft, OfficerID: actor.ID, RosterNo: rosterNo, CreatedAt: now, UpdatedAt: now,
				Doc: Document{Values: values}}
			if err := tx.InsertApplication(app); err != nil {
				return err
			}
			if err := tx.InsertTransition(Transition{AppID: app.ID, To: StatusDraft, OfficerID: actor.ID, At: now}); err != nil {
				return err
			}
		}
		if err := tx.InsertVersion(Version{AppID: app.ID, Version: app.Version, Status: app.Status, OfficerID: actor.ID, CreatedAt: now, Doc: app.Doc}); err != nil {
			return err
		}
		return s.audit(tx, actor, "app.draft", "application", app.ID, "", map[string]any{"fields": len(values)})
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
		if app.Status == StatusDraft {
			return Errorf(CodeConflict, "%s masih draf: lanjutkan dengan jemput intake --resume %s", "%s is still a draft: go on with jemput intake --resume %s", app.ID, app.ID)
		}
		if !app.Status.Local() {
			return Errorf(CodeConflict, "permohonan %s sudah %s dan tidak bisa diubah di kit", "application %s is %s and can no longer be changed on the kit", app.Number, app.Status)
		}
		if err := onItsWay(tx, app); err != nil {
			return err
		}
		f, err := formFor(app.FormID, in.Data)
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
		now := s.now()
		from := app.Status
		oldPhoto := app.Doc.Photo
		app.Doc = documentOf(res, warnings)
		app.Doc.Photo = oldPhoto
		if photo != nil {
			if err := tx.PutAttachment(photo.SHA256, in.Photo); err != nil {
				return err
			}
			app.Doc.Photo = photo
		}
		app.Version++
		app.FormVersion = f.Version
		app.OfficerID, app.UpdatedAt = actor.ID, now
		app.Status = statusOf(app.Doc)
		if err := tx.UpdateApplication(app); err != nil {
			return err
		}
		if err := tx.InsertVersion(Version{AppID: app.ID, Version: app.Version, Status: app.Status, OfficerID: actor.ID, Reason: in.Reason, CreatedAt: now, Doc: app.Doc}); err != nil {
			return err
		}
		if from != app.Status {
			if err := tx.InsertTransition(Transition{AppID: app.ID, From: from, To: app.Status, OfficerID: actor.ID, Reason: in.Reason, At: now}); err != nil {
				return err
			}
		}
		out = Captured{App: app, Warnings: warnings, Result: res}
		return s.audit(tx, actor, "app.edit", "application", app.ID, in.Reason, map[string]any{"number": app.Number, "version": app.Version, "status": app.Status})
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
		from, now := app.Status, s.now()
		app.Status, app.UpdatedAt = StatusVoided, now
		if err := tx.UpdateApplication(app); err != nil {
			return err
		}
		if err := tx.InsertTransition(Transition{AppID: app.ID, From: from, To: StatusVoided, OfficerID: actor.ID, Reason: reason, At: now}); err != nil {
			return err
		}
		return s.audit(tx, actor, "app.void", "application", app.ID, reason, map[string]any{"number": app.Number, "from": from})
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
}

// IssueReceipt records that a receipt is printed again and returns what it
// needs; each reprint is a numbered copy.
func (s *Service) IssueReceipt(ctx context.Context, ref string) (ReceiptIssue, error) {
	var r ReceiptIssue
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
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
		r.Copy = r.App.Receipts
		r.App.Receipts++
		if err := tx.UpdateApplication(r.App); err != nil {
			return err
		}
		return s.audit(tx, actor, "receipt.issue", "application", r.App.ID, "", map[string]any{"number": r.App.Number, "copy": r.Copy})
	})
	return r, err
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
		r.Officer, err = tx.Officer(app.OfficerID)
		return err
	})
	return r, err
}
