// Package central is the central office endpoint: it enrolls kits, receives
// their batches and attachments with the exactly-once rules of
// docs/protocol.md, lets the office set statuses and sends them back to the
// kits, and imports sealed export files.
//
// Office holds the rules; Store is what it needs from storage. The
// implementations live in packages of their own: central/sqlite (and
// PostgreSQL later, behind the same interface), each held to the contract
// of central/storetest; central/server is the office's HTTP face.
package central

import (
	"context"
	"crypto/ed25519"
	"errors"
	"time"

	ksync "github.com/jemput/jemput/sync"
)

// ErrNotFound is returned (wrapped) by a Tx lookup that finds nothing.
var ErrNotFound = errors.New("not found")

// ErrBusy is returned (wrapped) by a Store whose database stayed locked by
// another process longer than it waits: trying again may help.
var ErrBusy = errors.New("the database is busy in another process; try again")

// Store is the office's storage. Every use case of Office runs in one
// transaction: Update commits when fn returns nil and rolls back otherwise;
// View always rolls back. Implementations serialise writers so that
// concurrent kits wait for each other instead of failing: SQLite by taking
// the write lock at the start; PostgreSQL, where several office processes
// may share the database, by running fn again in a new transaction when a
// concurrent one was committed first. fn must therefore set, not
// accumulate, what it hands back outside the transaction.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction's worth of storage operations. It holds no rules:
// what is a duplicate, a conflict or a newer version is decided by Office.
type Tx interface {
	// Who the office is. Its secret keys are not in the database (see
	// KeyStore): only their fingerprint, so that a key file that does not
	// belong to this database is noticed.
	OfficeIdentity() (OfficeIdentity, error) // ErrNotFound before InitOffice
	InitOffice(OfficeIdentity) error         // does nothing when the office exists; Legacy* are not stored
	SetOfficeName(name string) error
	// ForgetLegacyKeys erases the secret keys a database made before issue
	// 8 kept in its office row, once they are safe in the key file, and
	// records the fingerprint of the keys now in use.
	ForgetLegacyKeys(fingerprint string) error

	// Kits and their one-time enrollment tokens.
	Kit(code string) (Kit, error)
	Kits() ([]Kit, error)
	AddKit(code string, at time.Time) error // does nothing when the kit exists
	// SetKitKey makes pub the kit's current key; a previous current key is
	// kept as replaced (at), so that its requests get a clear answer.
	SetKitKey(code string, pub ed25519.PublicKey, at time.Time) error
	// KitKeys lists every key the kit has held (none for an unknown kit),
	// current first.
	KitKeys(code string) ([]ksync.KitKey, error)
	// RevokeKit revokes the kit's current key (a lost or stolen laptop):
	// ErrNotFound when the kit has no current key.
	RevokeKit(code, reason string, at time.Time) error
	AddToken(Token) error
	Token(secretHash string) (Token, error)
	UseToken(secretHash string, at time.Time) error

	// SeenNonce records nonce for kit and reports whether it was already
	// there; nonces recorded before pruneBefore are forgotten.
	SeenNonce(kit, nonce string, at, pruneBefore time.Time) (bool, error)

	// Records (application versions), applications and conflicts.
	RecordHash(id string) (hash string, err error) // ErrNotFound when not held
	// Owners says who holds an application id and a number: the kit whose
	// records carry appID, and the application (and its kit) whose
	// records carry number; "" where none does. One lookup, since it is
	// asked for every new record.
	Owners(appID, number string) (Owners, error)
	AddRecord(StoredRecord) error
	Application(idOrNumber string) (Application, error)
	PutApplication(Application) error // insert or replace by AppID
	Applications(AppFilter) ([]Application, error)
	AddConflict(Conflict) error // does nothing for a conflict already recorded
	// Held, AddRecords and PutApplications are the set-based forms of the
	// lookups and writes above, so that a batch of records costs a few
	// statements (round trips on PostgreSQL) instead of a few per record.
	// Held answers for every id, application id, number and photo of q
	// what RecordHash, Owners, Application (by application id) and
	// Attachment answer; what the office does not hold is absent from
	// the maps. AddRecords is AddRecord of each (a record id or an
	// application version held already fails it, as AddRecord does);
	// PutApplications is PutApplication of each, in order.
	Held(q HeldQuery) (Held, error)
	AddRecords([]StoredRecord) error
	PutApplications([]Application) error
	Conflicts(kit string) ([]Conflict, error)
	AddAudit(kit string, e ksync.AuditEntry, at time.Time) error // ignores a repeat of kit+seq
	// AuditHash is the hash of the kit's audit entry seq received since
	// its current enrollment, "" when the office holds none.
	AuditHash(kit string, seq int64) (string, error)

	// Attachments, content-addressed. Attachment and CompleteAttachment
	// are the whole, verified ones, shared by every kit; what a kit has
	// sent of one that is not whole yet is its own (Partial), so that one
	// kit's frames can neither block nor corrupt another's.
	Attachment(sha string) (Attachment, error)                          // ErrNotFound unless whole
	CompleteAttachment(a Attachment, data []byte) error                 // does nothing when held; deletes every kit's partial of it
	Partial(sha, kit string) (Partial, error)                           // ErrNotFound when none
	PutPartial(Partial) error                                           // insert or replace the state (not the data)
	AddChunk(sha, kit string, offset int64, data []byte) error          // one frame's new bytes
	Chunks(sha, kit string) ([]byte, error)                             // the kit's chunks in offset order, joined
	DeletePartial(sha, kit string) error                                // the state and its chunks
	PartialBytes(kit string) (int64, error)                             // bytes held in the kit's partials
	PruneAttachments(before time.Time) (partials, whole int, err error) // see Office.Prune
	RecordsWithPhoto(sha string) (int, error)                           // records that refer to it

	// The office's plan of visits, and the kits' audit entries of one
	// action (the demand study reads the events opened and the people
	// turned away from them).
	AddVisit(Visit) error
	Visits(from string) ([]Visit, error)        // date >= from ("" for all), by date then id
	KitAudit(action string) ([]KitAudit, error) // by kit, then seq

	// Statuses set by the office, in order.
	AddStatus(kit string, s ksync.Status) (seq int64, err error) // s.Seq is ignored

	// Sealed backups of applications not approved yet: one per kit, the
	// newest replacing the one before (never mixed with received ones).
	PutBackup(Backup) error
	Backup(kit string) (Backup, error) // ErrNotFound when the kit sent none
	Statuses(kit string, after int64, limit int) ([]ksync.Status, error)
}

// OfficeIdentity is what the database says of the office: its name, when
// it was made, and the fingerprint of its signing key. LegacySigning and
// LegacyAgeIdentity are the secret keys a database made before issue 8
// still holds, until ForgetLegacyKeys.
type OfficeIdentity struct {
	Name              string // the office's name, as GET /v1/office says it
	Fingerprint       string // ksync.Fingerprint of the signing key; "" in a database from before issue 8
	CreatedAt         time.Time
	LegacySigning     ed25519.PrivateKey
	LegacyAgeIdentity string
}

// Kit is an enrolled (or about to be) kit.
type Kit struct {
	Code          string
	PublicKey     ed25519.PublicKey // nil until enrolled, and once revoked
	AddedAt       time.Time
	EnrolledAt    time.Time
	Apps          int       // applications received from it
	LastSeen      time.Time // last record received from it
	RevokedAt     time.Time // its last revocation; zero if never
	RevokedReason string
}

// Revoked reports whether the kit's key was revoked and no new one
// enrolled since.
func (k Kit) Revoked() bool { return k.PublicKey == nil && !k.RevokedAt.IsZero() }

// Token is a one-time enrollment token, of which the office keeps only the
// hash of the secret.
type Token struct {
	SecretHash string
	Kit        string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time
}

// StoredRecord is one application version as received.
type StoredRecord struct {
	ID         string
	AppID      string
	Version    int
	Kit        string
	Number     string
	Hash       string
	Body       []byte // the record's JSON
	ReceivedAt time.Time
	Via        string // ViaOnline or ViaImport
	Photo      string // SHA-256 of the photo it refers to, "" for none
}

// Owners is what Tx.Owners answers.
type Owners struct {
	AppKit    string // the kit that sent records of the application id
	NumberApp string // the application whose records carry the number
	NumberKit string // and its kit
}

// HeldQuery is what Tx.Held is asked about.
type HeldQuery struct {
	IDs     []string // record ids (app_id/version)
	AppIDs  []string
	Numbers []string
	Photos  []string // SHA-256 of attachments
}

// Held is what the office holds of a HeldQuery.
type Held struct {
	Hashes  map[string]string      // record id -> its hash
	AppKits map[string]string      // application id -> the kit of its records
	Numbers map[string]NumberOwner // number -> the application whose records carry it
	Apps    map[string]Application // application id -> the application
	Photos  map[string]Attachment  // sha -> the whole attachment
}

// NumberOwner is the application (and its kit) whose records carry a
// number.
type NumberOwner struct {
	App, Kit string
}

// How a record reached the office.
const (
	ViaOnline = "online"
	ViaImport = "import"
)

// StatusReceived is the office status of an application it holds and has
// not decided on yet.
const StatusReceived = "received"

// Application is the office's view of one application: its current version
// and the status the office set.
type Application struct {
	AppID       string
	Kit         string
	Number      string
	Version     int // the highest version held
	Form        string
	FormVersion int
	KitStatus   string // the status on the kit when sent (approved)
	Event       ksync.Event
	Province    string // from the NIK: "63"
	Regency     string // "63.02"
	District    string // "63.02.01"
	Purpose     string // the purpose of travel the applicant gave, "" when none
	CreatedAt   time.Time
	ReceivedAt  time.Time
	Status      string // received, accepted, rejected, ready
	Reason      string
	Pickup      string
	UpdatedAt   time.Time
}

// AppFilter selects applications for Apps. Empty fields select all.
type AppFilter struct {
	Status string
	Kit    string
	Limit  int // 0: no limit
}

// Ways to group the demand study (see DemandViews).
const (
	ByDistrict = "district"
	ByEvent    = "event"
	ByMonth    = "month"
)

// Visit is one visit the office plans: an Eazy Paspor service, a
// periodic visit or an integrated post at a place on a day, with the
// number of applicants it can take.
type Visit struct {
	ID        string
	Place     string
	Date      string // YYYY-MM-DD, local
	Type      string // eazy-paspor, berkala, pos-terpadu
	Capacity  int    // 0 = not set
	CreatedAt time.Time
}

// KitAudit is one audit entry a kit sent.
type KitAudit struct {
	Kit   string
	Entry ksync.AuditEntry
}

// Conflict is a record offered with an id the office holds with other
// content. The first version is kept; this one is kept aside.
type Conflict struct {
	RecordID    string
	Kit         string
	HeldHash    string
	OfferedHash string
	Body        []byte
	At          time.Time
}

// Backup is a kit's newest sealed backup: its captured-but-unapproved
// applications with their photos, as an export file sealed to the office's
// age key and signed by the kit.
type Backup struct {
	Kit        string
	ReceivedAt time.Time
	CreatedAt  time.Time // when the kit made it
	Records    int
	Photos     int
	Body       []byte
}

// Attachment is one whole, verified, content-addressed attachment.
type Attachment struct {
	SHA256    string
	Total     int64
	Kit       string // the kit that completed it first
	UpdatedAt time.Time
}

// Partial is what one kit has sent of an attachment not yet whole.
type Partial struct {
	SHA256    string
	Kit       string
	Total     int64 // as the kit's frames declare it
	Held      int64
	UpdatedAt time.Time
}
