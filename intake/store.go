package intake

import (
	"context"
	"time"

	"github.com/jemput/jemput/vault"
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
	// CreateKit stores the kit with the check of its secret and unlocks
	// the store with it.
	CreateKit(Kit, vault.Secret) error

	// Unlock checks that s is this kit's secret and holds it for the rest
	// of the process; until then, every read or write of applicant data
	// fails with CodeNotLoggedIn. CodeLegacyKit for a kit not encrypted yet.
	Unlock(s vault.Secret) error
	// Secret is the unlocked secret (CodeNotLoggedIn when locked).
	Secret() (vault.Secret, error)
	KeySlot(officerID string) (string, error) // CodeNotFound when none
	PutKeySlot(officerID, slot string, at time.Time) error
	KeySlots() (map[string]vault.Params, error)
	SetRecovery(slot []byte) error
	Recovery() ([]byte, error)
	// DeviceKey opens the device key's seed; SetDeviceKey seals it.
	DeviceKey() ([]byte, error)
	SetDeviceKey(seed []byte) error
	// VerifyOfficer checks an officer's row against its seal under the
	// supervisor key: CodeForbidden without that key, CodeTampered when the
	// row was changed outside jemput.
	VerifyOfficer(Officer) error
	// DisableOfficer marks an officer disabled and removes their slot.
	DisableOfficer(id string, at time.Time) error
	// FailedLogins counts wrong PINs since the officer's last login,
	// unlock or new PIN, from the audit log.
	FailedLogins(officerID string) (n int, last time.Time, err error)
	// ConvertLegacy seals every applicant record of a kit made before
	// encryption with s, in this transaction.
	ConvertLegacy(kitID string, s vault.Secret) error
	// PurgeApplication empties the documents of every version of an
	// application, its search data, its roster row and the photos no other
	// application uses; it reports how many versions and photos.
	PurgeApplication(id string, at time.Time) (versions, photos int, err error)
	SetKitZone(name string) error

	Officer(id string) (Officer, error)
	OfficerByNIP(nip string) (Officer, error)
	Officers() ([]Officer, error)
	InsertOfficer(Officer) error
	UpdateOfficerAuth(id string, failed int, lockedUntil time.Time) error
	UpdateOfficerPIN(id, hash string) error

	// Session is the officer logged in in this process (after Unlock), if
	// any; the command line keeps it in a session file outside the kit.
	Session() (officerID string, since, until time.Time, err error)
	SetSession(officerID string, since, until time.Time) error
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

	// Mirrors lists the kit's mirror folders; AddMirror records one.
	Mirrors() ([]Mirror, error)
	AddMirror(Mirror) error
	// RaiseSequence adds by to a named counter, returning its value
	// before and after (a restore's margin).
	RaiseSequence(name string, by int) (before, after int, err error)
	// AuditAfter lists up to limit entries after seq, in order.
	AuditAfter(seq int64, limit int) ([]AuditEntry, error)

	// ApplicationsPage lists up to limit applications in status st after
	// the cursor, oldest first, and the cursor of the last (the one given
	// when there are none); unheld leaves out those whose current version
	// the office holds or refused (a stored, duplicate or conflict ack).
	ApplicationsPage(st Status, unheld bool, after AppCursor, limit int) ([]Application, AppCursor, error)

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
	// SealedSetting and SetSealedSetting keep a setting that only a
	// supervisor may set, MACed under the supervisor key ("" when unset).
	SealedSetting(name string) (string, error)
	SetSealedSetting(name, value string) error
	SetSetting(name, value string) error
}

// Filter selects applications for a listing.
type Filter struct {
	EventID string
	Status  Status
	Search  string // part of a name, a NIK or an application number
	Limit   int
}
