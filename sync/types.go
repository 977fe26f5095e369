package sync

import (
	"encoding/json"
	"time"
)

// OfficeInfo is what GET /v1/office answers, unsigned: who the office is
// and its public keys.
type OfficeInfo struct {
	Office           string    `json:"office"`
	SigningKey       []byte    `json:"signing_key"`       // ed25519 public key
	SealingRecipient string    `json:"sealing_recipient"` // age X25519 recipient, "age1..."
	TLSCertSHA256    string    `json:"tls_cert_sha256"`   // hex of SHA-256 of the DER certificate, "" without TLS
	Time             time.Time `json:"time"`
	// Signature is the office's signature of OfficeMessage (office name,
	// sealing recipient, TLS certificate hash) by SigningKey, so that a kit
	// enrolling over an untrusted link can trust the sealing key and the
	// certificate it pins.
	Signature []byte `json:"signature"`
}

// EnrollRequest is POST /v1/enroll.
type EnrollRequest struct {
	Token     string `json:"token"`
	KitCode   string `json:"kit_code"`
	PublicKey []byte `json:"public_key"`
	Proof     []byte `json:"proof"` // see EnrollProof
}

// EnrollResponse answers an enrollment, signed by the office.
type EnrollResponse struct {
	KitCode    string    `json:"kit_code"`
	EnrolledAt time.Time `json:"enrolled_at"`
	Signature  []byte    `json:"signature"` // see EnrolledMessage
}

// Event, Officer and Transition are the parts of a record that say where,
// by whom and how an application came to be.
type Event struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Name  string `json:"name"`
	Place string `json:"place"`
	Date  string `json:"date"`
}

type Officer struct {
	NIP  string `json:"nip"`
	Name string `json:"name"`
}

type Transition struct {
	From       string    `json:"from"`
	To         string    `json:"to"`
	At         time.Time `json:"at"`
	OfficerNIP string    `json:"officer_nip"`
	Reason     string    `json:"reason,omitempty"`
}

// Record is one application version, the unit of sync. Doc is the
// application document (intake.Document) as JSON, kept as bytes so that the
// office stores exactly what the kit sent.
type Record struct {
	AppID       string          `json:"app_id"`
	Version     int             `json:"version"`
	Number      string          `json:"number"`
	Kit         string          `json:"kit"`
	Form        string          `json:"form"`
	FormVersion int             `json:"form_version"`
	Status      string          `json:"status"`
	Event       Event           `json:"event"`
	Officer     Officer         `json:"officer"`
	CreatedAt   time.Time       `json:"created_at"`
	Doc         json.RawMessage `json:"doc"`
	Photo       string          `json:"photo,omitempty"` // SHA-256 hex of the photo attachment, if any
	Transitions []Transition    `json:"transitions,omitempty"`
}

// AuditEntry is one line of a kit's hash-chained audit log, as sent.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Officer  string    `json:"officer"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entity_id"`
	Reason   string    `json:"reason,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Batch is the body of POST /v1/batches (zstd-compressed JSON).
type Batch struct {
	BatchID string       `json:"batch_id"`
	Kit     string       `json:"kit"`
	Records []Record     `json:"records"`
	Audit   []AuditEntry `json:"audit,omitempty"`
}

// Ack results.
const (
	AckStored            = "stored"
	AckDuplicate         = "duplicate"
	AckConflict          = "conflict"
	AckMissingAttachment = "missing_attachment"
)

// Ack is the office's answer about one record.
type Ack struct {
	ID      string `json:"id"`   // record id, app_id/version
	Hash    string `json:"hash"` // content hash the office computed
	Result  string `json:"result"`
	Message string `json:"message,omitempty"`
}

// Final reports whether the record needs no more sending: held by the
// office (stored or duplicate) or refused for good (conflict).
func (a Ack) Final() bool { return a.Result != AckMissingAttachment }

// BatchResult answers POST /v1/batches.
type BatchResult struct {
	Acks []Ack `json:"acks"`
}

// AttachmentState answers POST /v1/attachments/state and /upload.
type AttachmentState struct {
	Held     map[string]int64 `json:"held"`     // sha256 hex → bytes held
	Complete []string         `json:"complete"` // sha256 hex of attachments held whole and verified
}

// Office statuses sent back to kits.
const (
	StatusAccepted = "accepted"
	StatusRejected = "rejected"
	StatusReady    = "ready"
)

// Status is one status the office set on an application, in the order the
// office set them (Seq).
type Status struct {
	Seq    int64     `json:"seq"`
	AppID  string    `json:"app_id"`
	Number string    `json:"number"`
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	Pickup string    `json:"pickup,omitempty"`
	At     time.Time `json:"at"`
	// VisitID names the planned visit (Visit.ID) where a ready passport
	// is handed over, when the office gave one.
	VisitID string `json:"visit_id,omitempty"`
}

// Statuses answers GET /v1/statuses?after=N.
type Statuses struct {
	Statuses []Status `json:"statuses"`
	Last     int64    `json:"last"`
	// Visits is the office's plan of visits from today on, whole in every
	// answer: the kit replaces what it holds by id.
	Visits []Visit `json:"visits,omitempty"`
}

// Visit is one visit the office plans: where and when its officers go
// (an Eazy Paspor service, a periodic visit, an integrated post), and so
// where finished passports come back.
type Visit struct {
	ID       string `json:"id"`
	Place    string `json:"place"`
	Date     string `json:"date"` // YYYY-MM-DD
	Type     string `json:"type,omitempty"`
	Capacity int    `json:"capacity,omitempty"`
}
