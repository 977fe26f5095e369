package intake

import (
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// Kit is this laptop's identity: its code (part of every application number),
// the office it belongs to and its device public key.
type Kit struct {
	ID        string // random, made at init: sessions are bound to it
	Code      string
	Office    string
	PublicKey []byte // ed25519; the private key is sealed under the data key
	Zone      string // IANA name; every date the kit shows or makes is in it
	CreatedAt time.Time
	Encrypted bool // false for a kit made before encryption, until converted
	Recovery  bool // the office's recovery slot is in place
}

// Role is what an officer may do.
type Role string

const (
	RoleOfficer    Role = "officer"
	RoleSupervisor Role = "supervisor"
)

// Officer is a person who logs in to the kit with NIP and PIN.
type Officer struct {
	ID          string
	NIP         string
	Name        string
	Role        Role
	PINHash     string
	FailedPINs  int
	LockedUntil time.Time
	CreatedAt   time.Time
	DisabledAt  time.Time // zero while the officer may log in
	Seal        string    // MAC of the row under the supervisor key (store)
}

// EventType is one of the four kinds of mobile service.
type EventType string

const (
	EventEazyPaspor EventType = "eazy-paspor"
	EventBerkala    EventType = "berkala"
	EventPosTerpadu EventType = "pos-terpadu"
	EventULP        EventType = "ulp"
)

// EventTypes lists the event types in the order the CLI shows them.
var EventTypes = []EventType{EventEazyPaspor, EventBerkala, EventPosTerpadu, EventULP}

// Event is one mobile service day (or days) at one place.
type Event struct {
	ID       string
	Type     EventType
	Name     string
	Place    string
	Date     string // YYYY-MM-DD, local
	Capacity int    // the day's quota of applicants; 0 = not set
	OpenedBy string // officer id
	OpenedAt time.Time
	ClosedAt time.Time // zero while open
}

// Open reports whether the event still takes applicants.
func (e Event) Open() bool { return e.ClosedAt.IsZero() }

// Status is where an application stands (PRODUCT.md section 2).
type Status string

const (
	StatusDraft      Status = "draft"
	StatusCaptured   Status = "captured"
	StatusIncomplete Status = "incomplete"
	StatusApproved   Status = "approved"
	StatusReturned   Status = "returned"
	StatusSynced     Status = "synced"
	StatusAccepted   Status = "accepted"
	StatusRejected   Status = "rejected"
	StatusReady      Status = "ready"
	StatusHandedOver Status = "handed-over"
	StatusVoided     Status = "voided"
)

// Statuses lists every status, in lifecycle order.
var Statuses = []Status{StatusDraft, StatusCaptured, StatusIncomplete, StatusApproved,
	StatusReturned, StatusSynced, StatusAccepted, StatusRejected, StatusReady,
	StatusHandedOver, StatusVoided}

// Label is the status as officers read it: Indonesian words, and in
// English the code itself.
func (s Status) Label() lang.Text {
	if t, ok := statusLabels[s]; ok {
		return t
	}
	return lang.Text{ID: string(s), EN: string(s)}
}

var statusLabels = map[Status]lang.Text{
	StatusDraft:      {ID: "draf", EN: "draft"},
	StatusCaptured:   {ID: "diterima", EN: "captured"},
	StatusIncomplete: {ID: "belum lengkap", EN: "incomplete"},
	StatusApproved:   {ID: "disetujui", EN: "approved"},
	StatusReturned:   {ID: "dikembalikan", EN: "returned"},
	StatusSynced:     {ID: "terkirim", EN: "synced"},
	StatusAccepted:   {ID: "diterima kantor", EN: "accepted"},
	StatusRejected:   {ID: "ditolak kantor", EN: "rejected"},
	StatusReady:      {ID: "siap diambil", EN: "ready"},
	StatusHandedOver: {ID: "diserahkan", EN: "handed-over"},
	StatusVoided:     {ID: "dibatalkan", EN: "voided"},
}

// Local reports whether the application has not left the kit yet, so that
// an officer may still edit or void it.
func (s Status) Local() bool {
	switch s {
	case StatusDraft, StatusCaptured, StatusIncomplete, StatusApproved, StatusReturned:
		return true
	}
	return false
}

// Application is the current state of one applicant's request, with the
// document of its current version.
type Application struct {
	ID          string
	Number      string // empty while a draft
	EventID     string
	FormID      string
	FormVersion int
	Version     int
	Status      Status
	OfficerID   string // who captured the current version
	RosterNo    int    // the roster entry it completes, 0 if none
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Receipts    int       // receipts printed or written so far
	PurgedAt    time.Time // the applicant's data was purged (jemput purge)
	Doc         Document
	Find        Find // what it is found by, from its current document
}

// Find is what the kit finds an application by, read from the fields its
// form gives those roles (forms.Role), so that storage can index it without
// knowing any form. It is the one place applicant data is copied out of the
// document.
type Find struct {
	// IdentityNumber is the person's identity number (the NIK), for
	// duplicate detection; "" when the form has none.
	IdentityNumber string
	// Text is what a search looks in, in lower case: the name, the
	// identity number, the application number and the document number.
	Text string
}

// Document is what one version of an application holds: the form's values
// and what validation said about them. It is stored as one piece, so that
// encrypting applicant data at rest changes one place.
type Document struct {
	Values     map[string]any `json:"values"`
	Derived    map[string]any `json:"derived,omitempty"`
	Warnings   []forms.Issue  `json:"warnings,omitempty"`
	Overridden []forms.Issue  `json:"overridden,omitempty"`
	Received   []string       `json:"received,omitempty"`
	Missing    []string       `json:"missing,omitempty"`
	Fee        forms.Fee      `json:"fee"`
	Photo      *Attachment    `json:"photo,omitempty"`
}

// Attachment is a content-addressed file (a photo) kept beside the data.
type Attachment struct {
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Type   string `json:"type"`
}

// Version is one stored version of an application: a correction is a new
// version, never an overwrite.
type Version struct {
	AppID     string
	Version   int
	Status    Status
	OfficerID string
	Reason    string
	CreatedAt time.Time
	Doc       Document
}

// Transition records a change of status: who, when and why.
type Transition struct {
	AppID     string
	From, To  Status
	OfficerID string
	Reason    string
	At        time.Time
}

// RosterEntry is one line of a pre-registered collective list.
type RosterEntry struct {
	EventID  string
	No       int // entry number within the event: what --from-roster takes
	Line     int // line of the CSV file it came from, header = 1
	Values   map[string]any
	AppID    string // the application that completed it, if any
	Imported time.Time
}

// AuditEntry is one line of the append-only audit log. The store chains
// entries by hash.
type AuditEntry struct {
	Seq       int64
	At        time.Time
	OfficerID string
	Action    string
	Entity    string
	EntityID  string
	Reason    string
	Detail    string
	PrevHash  string // set by the store
	Hash      string // set by the store
}
