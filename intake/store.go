package intake

import (
	"context"
	"time"
)

// Store is what intake needs from storage: transactions. Each use case runs
// in exactly one: everything it changes commits together or not at all.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction. Methods that find one thing return an *Error with
// CodeNotFound when there is none.
type Tx interface {
	Kit() (Kit, error) // CodeNotInit before CreateKit
	CreateKit(Kit) error
	SetKitZone(name string) error

	Officer(id string) (Officer, error)
	OfficerByNIP(nip string) (Officer, error)
	Officers() ([]Officer, error)
	InsertOfficer(Officer) error
	UpdateOfficerAuth(id string, failed int, lockedUntil time.Time) error
	UpdateOfficerPIN(id, hash string) error

	// Session is the officer logged in on this kit, if any.
	Session() (officerID string, since time.Time, err error)
	SetSession(officerID string, since time.Time) error
	ClearSession() error

	Event(id string) (Event, error)
	OpenEvent() (Event, error) // CodeNoEvent when none is open
	Events() ([]Event, error)
	InsertEvent(Event) error
	CloseEvent(id string, at time.Time) error
	InsertTurnedAway(TurnedAway) error
	TurnedAway(eventID string) ([]TurnedAway, error) // oldest first

	// The office's visit plan as last received (sync, ack file), and the
	// visits an office status names.
	PutVisit(Visit) error // insert or replace by id
	Visits() ([]Visit, error)

	// NextSequence returns the next value of a named counter, starting at 1.
	NextSequence(name string) (int, error)

	// InsertApplication and UpdateApplication store an application's row
	// and what it is found by (Find); its document goes in with its
	// version (InsertVersion). Only Service.move calls them for a change
	// of status or version.
	InsertApplication(Application) error
	UpdateApplication(Application) error
	InsertVersion(Version) error
	InsertTransition(Transition) error
	Application(id string) (Application, error)
	ApplicationByNumber(number string) (Application, error)
	Applications(Filter) ([]Application, error)
	Versions(appID string) ([]Version, error)
	Transitions(appID string) ([]Transition, error)
	// SameIdentity lists applications (other than exceptID, neither
	// voided nor drafts) whose Find.IdentityNumber is id.
	SameIdentity(id, exceptID string) ([]Application, error)

	PutAttachment(sha256 string, data []byte) error
	Attachment(sha256 string) ([]byte, error)

	InsertRosterEntries([]RosterEntry) error
	RosterEntry(eventID string, no int) (RosterEntry, error)
	RosterEntries(eventID string) ([]RosterEntry, error)
	SetRosterApp(eventID string, no int, appID string) error

	// Audit appends to the hash-chained audit log.
	Audit(AuditEntry) error
	// AuditAfter lists up to limit entries after seq, in order.
	AuditAfter(seq int64, limit int) ([]AuditEntry, error)

	Office() (Office, error) // CodeNotEnrolled until enrolled
	SetOffice(Office) error
	Ack(recordID string) (Ack, error)
	Acks(appID string) ([]Ack, error)
	PutAck(Ack) error // replaces an earlier answer for the same version
	LastOfficeStatus() (int64, error)
	InsertOfficeStatus(OfficeStatus) error
	OfficeStatuses(appID string) ([]OfficeStatus, error)
	// Waiting counts approved applications whose current version the office
	// does not hold, that are in no conflict and in no export file, and
	// gives the oldest approval time among them.
	Waiting() (n int, oldest time.Time, err error)
	// Conflicts lists the office's conflict answers for current versions.
	Conflicts() ([]Ack, error)
	MarkExported(recordID, file string, at time.Time) error
	Exported(recordID string) (bool, error)
	MarkOffered(recordID string, at time.Time) error
	Offered(recordID string) (bool, error)
	Setting(name string) (string, error) // CodeNotFound when unset
	SetSetting(name, value string) error
}

// Filter selects applications for a listing.
type Filter struct {
	EventID string
	Status  Status
	Search  string // part of a name, a NIK or an application number
	Limit   int
}
