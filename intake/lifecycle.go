package intake

import "time"

// moves is the kit's lifecycle (PRODUCT.md section 2): for each status, the
// statuses an application may go to from it. "" is an application not yet
// made. Staying in the same status is a move too where a new version is
// made without a change of status (a draft saved again, an edit that keeps
// it captured). Use cases check their own finer rules first (an incomplete
// application is not approved, an application on its way to the office is
// not changed) and say why in words; this table is what no use case can get
// round, since every move goes through Service.move.
var moves = map[Status][]Status{
	"":               {StatusDraft, StatusCaptured, StatusIncomplete},
	StatusDraft:      {StatusDraft, StatusCaptured, StatusIncomplete, StatusVoided},
	StatusCaptured:   {StatusCaptured, StatusIncomplete, StatusApproved, StatusReturned, StatusVoided},
	StatusIncomplete: {StatusCaptured, StatusIncomplete, StatusReturned, StatusVoided},
	StatusReturned:   {StatusCaptured, StatusIncomplete, StatusVoided},
	// An approved application goes back to captured or incomplete when
	// corrected; the office's statuses can reach it before its ack does
	// (an ack lost on the way).
	StatusApproved: {StatusCaptured, StatusIncomplete, StatusReturned, StatusVoided, StatusSynced,
		StatusAccepted, StatusRejected, StatusReady},
	// From here on the office decides (central.nextStatuses holds its
	// rules); the kit only records, and hands over what is ready.
	StatusSynced:     {StatusAccepted, StatusRejected, StatusReady},
	StatusAccepted:   {StatusRejected, StatusReady},
	StatusRejected:   {StatusAccepted, StatusReady},
	StatusReady:      {StatusAccepted, StatusRejected, StatusHandedOver},
	StatusHandedOver: nil,
	StatusVoided:     nil,
}

// CanMove reports whether the lifecycle lets an application go from one
// status to another.
func CanMove(from, to Status) bool {
	for _, s := range moves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// move is one step of an application's lifecycle.
type move struct {
	To Status
	// Reason is the transition's: an override, a correction, a void, a
	// return, the office's words.
	Reason string
	// NewVersion makes a new version holding the application's document
	// (capture, draft, edit, handover), by the acting officer.
	NewVersion    bool
	VersionReason string
	// At is when the move happened, if not now (an office status carries
	// the office's time).
	At time.Time
	// Audit is the audit log's action; "" when the use case audits a
	// whole batch of moves itself (acks, office statuses).
	Audit  string
	Detail map[string]any
}

// move performs m on app, all of it in tx: the application row (inserted
// when app is new, that is has no status yet), the new version when there
// is one, the transition when the status changes, and the audit entry.
// app is updated in place to what was stored.
func (s *Service) move(tx Tx, actor Officer, app *Application, m move) error {
	from := app.Status
	if !CanMove(from, m.To) {
		return Errorf(CodeConflict, "%s berstatus %s dan tidak bisa menjadi %s", "%s is %s and cannot become %s", app.Ref(), statusWord(from), m.To)
	}
	now := s.now()
	at := m.At
	if at.IsZero() {
		at = now
	}
	if m.NewVersion {
		app.Version++
		app.OfficerID = actor.ID
	}
	app.Status, app.UpdatedAt = m.To, now
	var err error
	if from == "" {
		app.CreatedAt = now
		err = tx.InsertApplication(*app)
	} else {
		err = tx.UpdateApplication(*app)
	}
	if err != nil {
		return err
	}
	if m.NewVersion {
		v := Version{AppID: app.ID, Version: app.Version, Status: app.Status, OfficerID: actor.ID, Reason: m.VersionReason, CreatedAt: now, Doc: app.Doc}
		if err := tx.InsertVersion(v); err != nil {
			return err
		}
	}
	if from != m.To {
		if err := tx.InsertTransition(Transition{AppID: app.ID, From: from, To: m.To, OfficerID: actor.ID, Reason: m.Reason, At: at}); err != nil {
			return err
		}
	}
	if m.Audit == "" {
		return nil
	}
	return s.audit(tx, actor, m.Audit, "application", app.ID, m.Reason, m.Detail)
}

// statusWord names a status for a message; a new application has none.
func statusWord(s Status) string {
	if s == "" {
		return "baru/new"
	}
	return string(s)
}
