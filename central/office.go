package central

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"filippo.io/age"
	"github.com/jemput/jemput/kitcode"
	ksync "github.com/jemput/jemput/sync"
	"github.com/jemput/jemput/vault"
)

// Limits the office holds kits to, beyond those of Limits.
const (
	MaxStateQuery = 10000 // attachments asked about in one request
	MaxStatuses   = 1000  // statuses in one answer
)

// Limits bound what one kit may make the office hold: each is a setting
// (docs/protocol.md, "Limits"), answered with too_large when passed.
type Limits struct {
	BatchRecords int // records in one batch (the kit sends 500)
	BatchAudit   int // audit entries in one batch (the kit sends 2000)
	// An export file (USB) holds everything a kit has not sent, in one
	// batch: days or weeks of work. Its batch JSON is held in memory, so
	// these bound it too (at RecordBytes each, well under the file's cap).
	ImportRecords int
	ImportAudit   int
	RecordBytes   int   // bytes of one record's JSON
	PartialBytes  int64 // bytes of attachments a kit may have half sent
	// Partials a kit stopped sending, and whole attachments no record
	// refers to, are dropped after OrphanTTL.
	OrphanTTL time.Duration
}

// DefaultLimits are the office's limits unless WithLimits says otherwise.
var DefaultLimits = Limits{
	BatchRecords:  1000,
	BatchAudit:    5000,
	ImportRecords: 20000,
	ImportAudit:   200000,
	RecordBytes:   64 << 10,
	PartialBytes:  64 << 20,
	OrphanTTL:     48 * time.Hour,
}

// DefaultOfficeName is the name of an office database made without one.
const DefaultOfficeName = "Kantor Imigrasi"

// Office holds the rules of the central office: enrollment, exactly-once
// receipt of records, attachments, statuses and imports. Every method is
// one transaction of its Store, and is safe for concurrent use.
type Office struct {
	store   Store
	keyring KeyStore
	now     func() time.Time
	log     *slog.Logger
	limits  Limits
	tmpDir  string

	name    string
	keys    Secrets
	sealing string // age recipient of keys.AgeIdentity
	tlsCert string // hex SHA-256 of the TLS certificate, "" without TLS

	lastPrune atomic.Int64 // unix seconds
}

// Option configures an Office.
type Option func(*Office)

// WithClock sets the office's clock (tests, training).
func WithClock(now func() time.Time) Option { return func(o *Office) { o.now = now } }

// WithLogger sets the logger for what the office does on its own
// (discarded attachments, conflicts).
func WithLogger(l *slog.Logger) Option { return func(o *Office) { o.log = l } }

// WithTLSCertSHA256 sets the hash of the TLS certificate that GET
// /v1/office announces, so that kits can pin it.
func WithTLSCertSHA256(hexSum string) Option { return func(o *Office) { o.tlsCert = hexSum } }

// WithKeys says where the office's secret keys are kept. Without it they
// are in the key file its Store names (a KeyFileNamer: the SQLite file's
// path + ".keys", without a passphrase), else in memory only.
func WithKeys(k KeyStore) Option { return func(o *Office) { o.keyring = k } }

// KeyFileNamer is a Store that says where its office's key file goes by
// default: beside its database file.
type KeyFileNamer interface {
	KeyFilePath() string
}

// WithLimits sets the office's limits.
func WithLimits(l Limits) Option {
	return func(o *Office) {
		if l.ImportRecords == 0 {
			l.ImportRecords = DefaultLimits.ImportRecords
		}
		if l.ImportAudit == 0 {
			l.ImportAudit = DefaultLimits.ImportAudit
		}
		o.limits = l
	}
}

// WithTempDir sets where imports spool a file's payload ("" the system's).
func WithTempDir(dir string) Option { return func(o *Office) { o.tmpDir = dir } }

// NewOffice opens the office kept in store, making its keys the first
// time.
func NewOffice(ctx context.Context, store Store, opts ...Option) (*Office, error) {
	o := &Office{store: store, now: time.Now, log: slog.New(slog.DiscardHandler), limits: DefaultLimits}
	for _, opt := range opts {
		opt(o)
	}
	if o.keyring == nil {
		if n, ok := store.(KeyFileNamer); ok {
			o.keyring = KeyFile{Path: n.KeyFilePath()}
		} else {
			o.keyring = &MemoryKeys{}
		}
	}
	if err := o.loadKeys(ctx); err != nil {
		return nil, err
	}
	id, err := age.ParseX25519Identity(o.keys.AgeIdentity)
	if err != nil {
		return nil, fmt.Errorf("office sealing key: %w", err)
	}
	o.sealing = id.Recipient().String()
	return o, nil
}

// Scrubber is a Store that can erase what was deleted from its files
// (SQLite's free pages and write-ahead log), once ForgetLegacyKeys ran.
type Scrubber interface {
	Scrub(ctx context.Context) error
}

// loadKeys reads the office's secrets from its KeyStore and checks they are
// this database's. The first time it makes them; a database from before
// issue 8, which kept them in its office row, has them moved to the
// KeyStore and erased from the database.
func (o *Office) loadKeys(ctx context.Context) error {
	var ident OfficeIdentity
	err := o.store.View(ctx, func(tx Tx) (err error) {
		ident, err = tx.OfficeIdentity()
		return err
	})
	fresh := errors.Is(err, ErrNotFound)
	if err != nil && !fresh {
		return err
	}
	secrets, kerr := o.keyring.Load()
	missing := errors.Is(kerr, ErrNotFound)
	if kerr != nil && !missing {
		return kerr
	}
	legacy := !fresh && len(ident.LegacySigning) == ed25519.PrivateKeySize
	switch {
	case missing && legacy:
		secrets = Secrets{Signing: ident.LegacySigning, AgeIdentity: ident.LegacyAgeIdentity, CreatedAt: ident.CreatedAt}
		if err := o.keyring.Save(secrets); err != nil {
			return fmt.Errorf("moving the office's keys out of the database: %w", err)
		}
	case missing && fresh:
		if secrets, err = NewSecrets(o.now()); err != nil {
			return err
		}
		if err := o.keyring.Save(secrets); errors.Is(err, fs.ErrExist) {
			// Another process opening the same new office got there
			// first: its keys are the office's.
			if secrets, err = o.keyring.Load(); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("saving the office's new keys: %w", err)
		}
	case missing:
		return fmt.Errorf("the office's keys are not where they should be (%v): restore the key file from its backup; without it kits cannot trust this office (fingerprint %s)", kerr, ident.Fingerprint)
	}
	fp := ksync.Fingerprint(secrets.Signing.Public().(ed25519.PublicKey))
	switch {
	case legacy && !bytes.Equal(ident.LegacySigning, secrets.Signing):
		return fmt.Errorf("the office key file holds keys %s, but this database's office is %s: another office's key file", fp, ksync.Fingerprint(ident.LegacySigning.Public().(ed25519.PublicKey)))
	case !fresh && !legacy && ident.Fingerprint != "" && ident.Fingerprint != fp:
		return fmt.Errorf("the office key file holds keys %s, but this database's office is %s: another office's key file", fp, ident.Fingerprint)
	}
	err = o.store.Update(ctx, func(tx Tx) error {
		if fresh {
			// Two processes opening a new database at once both get here;
			// the first insert wins.
			if err := tx.InitOffice(OfficeIdentity{Name: DefaultOfficeName, Fingerprint: fp, CreatedAt: secrets.CreatedAt}); err != nil {
				return err
			}
		} else if legacy || ident.Fingerprint == "" {
			if err := tx.ForgetLegacyKeys(fp); err != nil {
				return err
			}
		}
		ident, err = tx.OfficeIdentity()
		return err
	})
	if err != nil {
		return err
	}
	if ident.Fingerprint != fp {
		return fmt.Errorf("the office key file holds keys %s, but this database's office is %s: another office's key file", fp, ident.Fingerprint)
	}
	if legacy {
		if sc, ok := o.store.(Scrubber); ok {
			if err := sc.Scrub(ctx); err != nil {
				return fmt.Errorf("erasing the old keys from the database's free pages: %w", err)
			}
		}
		o.log.Info("the office's keys were moved out of the database into its key file", "fingerprint", fp)
	}
	o.name, o.keys = ident.Name, secrets
	return nil
}

// Name is the office's name.
func (o *Office) Name() string { return o.name }

// Now is the office's clock, the one that checks request times: what an
// answer's Date header must say, so that a kit correcting its clock from
// it is never stale.
func (o *Office) Now() time.Time { return o.now() }

// SetName renames the office.
func (o *Office) SetName(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return ksync.Errorf(ksync.CodeBadRequest, "the office name is empty")
	}
	if err := o.store.Update(ctx, func(tx Tx) error { return tx.SetOfficeName(name) }); err != nil {
		return err
	}
	o.name = name
	return nil
}

// PublicKey is the office's signing public key.
func (o *Office) PublicKey() ed25519.PublicKey { return o.keys.Signing.Public().(ed25519.PublicKey) }

// SignAnswer signs the office's answer to the signed request that carried
// nonce.
func (o *Office) SignAnswer(nonce string, body []byte) string {
	return ksync.SignAnswer(o.keys.Signing, nonce, body)
}

// Fingerprint names the office in tokens.
func (o *Office) Fingerprint() string { return ksync.Fingerprint(o.PublicKey()) }

// SealingRecipient is the age recipient export files are sealed to.
func (o *Office) SealingRecipient() string { return o.sealing }

// Info is the answer to GET /v1/office, signed.
func (o *Office) Info() ksync.OfficeInfo {
	info := ksync.OfficeInfo{Office: o.name, SealingRecipient: o.sealing, TLSCertSHA256: o.tlsCert, Time: o.now().UTC()}
	ksync.SignOfficeInfo(o.keys.Signing, &info)
	return info
}

func badRequestf(format string, args ...any) *ksync.Error {
	return ksync.Errorf(ksync.CodeBadRequest, format, args...)
}

func malformedf(format string, args ...any) *ksync.Error {
	return ksync.Errorf(ksync.CodeMalformed, format, args...)
}

// AddKit registers kit code (once) and makes a one-time enrollment token
// for it, valid for ttl. Only the hash of its secret is kept.
func (o *Office) AddKit(ctx context.Context, code string, ttl time.Duration) (string, error) {
	if !kitcode.Valid(code) {
		return "", badRequestf("kit code %q: want 3–8 capital letters and digits, starting with a letter, without I, O, S, U, Z (for example KTB01)", code)
	}
	if ttl <= 0 {
		return "", badRequestf("the token's lifetime must be positive, not %s", ttl)
	}
	tok, err := ksync.NewToken(code, o.PublicKey())
	if err != nil {
		return "", err
	}
	now := o.now()
	err = o.store.Update(ctx, func(tx Tx) error {
		if err := tx.AddKit(code, now); err != nil {
			return err
		}
		return tx.AddToken(Token{SecretHash: tok.SecretHash(), Kit: code, CreatedAt: now, ExpiresAt: now.Add(ttl)})
	})
	if err != nil {
		return "", err
	}
	return tok.String(), nil
}

// Kits lists the kits the office knows, enrolled or not.
func (o *Office) Kits(ctx context.Context) ([]Kit, error) {
	var list []Kit
	err := o.store.View(ctx, func(tx Tx) (err error) {
		list, err = tx.Kits()
		return err
	})
	return list, err
}

// Enroll registers a kit's key with a one-time token. Enrolling again with
// a new token replaces the kit's key.
func (o *Office) Enroll(ctx context.Context, req ksync.EnrollRequest) (ksync.EnrollResponse, error) {
	tok, err := ksync.ParseToken(req.Token)
	if err != nil {
		return ksync.EnrollResponse{}, err
	}
	if tok.Fingerprint != o.Fingerprint() {
		return ksync.EnrollResponse{}, ksync.Errorf(ksync.CodeTokenUnknown, "this token was made by another office (fingerprint %s, this office is %s)", tok.Fingerprint, o.Fingerprint())
	}
	if req.KitCode != tok.Kit {
		return ksync.EnrollResponse{}, ksync.Errorf(ksync.CodeTokenKitMismatch, "this token is for kit %s, not %s", tok.Kit, req.KitCode)
	}
	if len(req.PublicKey) != ed25519.PublicKeySize {
		return ksync.EnrollResponse{}, badRequestf("public_key has %d bytes, want %d", len(req.PublicKey), ed25519.PublicKeySize)
	}
	pub := ed25519.PublicKey(req.PublicKey)
	now := o.now()
	err = o.store.Update(ctx, func(tx Tx) error {
		t, err := tx.Token(tok.SecretHash())
		if errors.Is(err, ErrNotFound) {
			return ksync.Errorf(ksync.CodeTokenUnknown, "this office did not make this token for kit %s (or it was replaced)", tok.Kit)
		}
		if err != nil {
			return err
		}
		switch {
		case t.Kit != req.KitCode:
			return ksync.Errorf(ksync.CodeTokenKitMismatch, "this token is for kit %s, not %s", t.Kit, req.KitCode)
		case !t.UsedAt.IsZero():
			return ksync.Errorf(ksync.CodeTokenUsed, "this token was already used on %s; make a new one with: jemput-central kit add --code %s", t.UsedAt.UTC().Format(time.RFC3339), t.Kit)
		case !now.Before(t.ExpiresAt):
			return ksync.Errorf(ksync.CodeTokenExpired, "this token expired on %s; make a new one with: jemput-central kit add --code %s", t.ExpiresAt.UTC().Format(time.RFC3339), t.Kit)
		}
		if !ksync.VerifyEnrollProof(pub, req.Token, req.Proof) {
			return ksync.Errorf(ksync.CodeBadSignature, "the enrollment proof is not signed by the key offered")
		}
		old, err := tx.KitKeys(t.Kit)
		if err != nil {
			return err
		}
		for _, k := range old {
			if k.State == ksync.KeyRevoked && bytes.Equal(k.Key, pub) {
				return ksync.Errorf(ksync.CodeKitRevoked, "this device key of kit %s was revoked on %s: a replacement laptop enrolls with a key of its own (a new kit home)", t.Kit, k.Since.UTC().Format(time.RFC3339))
			}
		}
		// A revocation voids the tokens made before it: one printed for
		// the lost laptop must not enroll whoever holds it.
		for _, k := range old {
			if k.State == ksync.KeyRevoked && t.CreatedAt.Before(k.Since) {
				return ksync.Errorf(ksync.CodeTokenExpired, "this token was made before kit %s was revoked on %s; make a new one with: jemput-central kit add --code %s", t.Kit, k.Since.UTC().Format(time.RFC3339), t.Kit)
			}
		}
		if err := tx.UseToken(t.SecretHash, now); err != nil {
			return err
		}
		return tx.SetKitKey(t.Kit, pub, now)
	})
	if err != nil {
		return ksync.EnrollResponse{}, err
	}
	o.log.Info("kit enrolled", "kit", tok.Kit, "key", ksync.Fingerprint(pub))
	return ksync.EnrollResponse{KitCode: tok.Kit, EnrolledAt: now.UTC(), Signature: ksync.SignEnrolled(o.keys.Signing, tok.Kit, pub)}, nil
}

// KeysFor answers every key a kit has held, for ksync.Authenticate and
// ksync.ReadExport.
func (o *Office) KeysFor(ctx context.Context) ksync.KeyLookup {
	return func(kit string) ([]ksync.KitKey, error) {
		var list []ksync.KitKey
		err := o.store.View(ctx, func(tx Tx) (err error) {
			list, err = tx.KitKeys(kit)
			return err
		})
		return list, err
	}
}

// RevokeKit cuts a lost or stolen kit off: from now on its requests and its
// export files are refused with kit_revoked. The kit code stays: a
// replacement laptop enrolls with a new token (kit add --code), or under a
// code of its own.
func (o *Office) RevokeKit(ctx context.Context, code, reason string) (Kit, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Kit{}, badRequestf("a revocation needs a reason (--reason), for example \"laptop hilang di kapal\"")
	}
	var k Kit
	err := o.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Kit(code)
		if errors.Is(err, ErrNotFound) {
			return ksync.Errorf(ksync.CodeNotFound, "no kit %q at this office", code)
		}
		if err != nil {
			return err
		}
		if cur.PublicKey == nil {
			if cur.Revoked() {
				return badRequestf("kit %s was already revoked on %s", code, cur.RevokedAt.UTC().Format(time.RFC3339))
			}
			return badRequestf("kit %s is not enrolled: nothing to revoke", code)
		}
		if err := tx.RevokeKit(code, reason, o.now()); err != nil {
			return err
		}
		k, err = tx.Kit(code)
		return err
	})
	if err == nil {
		o.log.Info("kit revoked", "kit", code, "reason", reason)
	}
	return k, err
}

// SeenNonce implements ksync.NonceStore in the office's store, so that a
// replay is refused across restarts and across processes.
func (o *Office) SeenNonce(ctx context.Context, kit, nonce string, at time.Time) (bool, error) {
	var seen bool
	err := o.store.Update(ctx, func(tx Tx) (err error) {
		seen, err = tx.SeenNonce(kit, nonce, at, at.Add(-ksync.NonceTTL))
		return err
	})
	return seen, err
}

var _ ksync.NonceStore = (*Office)(nil)

// ReceiveBatch applies a batch from kit with the exactly-once rules, in one
// transaction, and answers one ack per record, in order.
func (o *Office) ReceiveBatch(ctx context.Context, kit string, b ksync.Batch) ([]ksync.Ack, error) {
	checks, err := o.checkBatch(kit, b, o.limits.BatchRecords, o.limits.BatchAudit)
	if err != nil {
		return nil, err
	}
	var acks []ksync.Ack
	err = o.store.Update(ctx, func(tx Tx) (err error) {
		acks, err = o.receive(tx, kit, b, checks, ViaOnline)
		return err
	})
	if err != nil {
		return nil, err
	}
	o.logAcks(kit, b.BatchID, acks)
	return acks, nil
}

func (o *Office) logAcks(kit, batchID string, acks []ksync.Ack) {
	n := map[string]int{}
	for _, a := range acks {
		n[a.Result]++
		if a.Result == ksync.AckConflict {
			o.log.Warn("conflict: a record arrived again with other content; the first is kept", "kit", kit, "record", a.ID, "hash", a.Hash)
		}
	}
	o.log.Info("batch", "kit", kit, "batch", batchID, "records", len(acks),
		"stored", n[ksync.AckStored], "duplicate", n[ksync.AckDuplicate], "conflict", n[ksync.AckConflict], "missing_attachment", n[ksync.AckMissingAttachment])
}

// receive applies the exactly-once rules of docs/protocol.md ("Records")
// inside tx; checks are checkBatch's of b. What the office holds of the
// batch's records is read in one lookup (Tx.Held), and the new records
// and applications are written together, flushRecords at a time. The
// records are still decided one after the other, in order, against what
// the office held and what the batch added before them, so that the
// answers are those of one record at a time; the transaction and the
// stores' unique keys still make it exactly once.
func (o *Office) receive(tx Tx, kit string, b ksync.Batch, checks []checked, via string) ([]ksync.Ack, error) {
	now := o.now()
	in, err := newIntake(tx, b.Records)
	if err != nil {
		return nil, err
	}
	acks := make([]ksync.Ack, 0, len(b.Records))
	for i, r := range b.Records {
		ack, err := o.receiveRecord(tx, in, kit, r, checks[i], via, now)
		if err != nil {
			return nil, err
		}
		acks = append(acks, ack)
		if len(in.records) >= flushRecords {
			if err := in.flush(tx); err != nil {
				return nil, err
			}
		}
	}
	if err := in.flush(tx); err != nil {
		return nil, err
	}
	if err := followsHeld(tx, kit, b.Audit); err != nil {
		return nil, err
	}
	for _, e := range b.Audit {
		if err := tx.AddAudit(kit, e, now); err != nil {
			return nil, err
		}
	}
	return acks, nil
}

// flushRecords is how many new records (and their applications) a batch
// holds before it writes them: a file's batch of 20,000 is not held twice.
const flushRecords = 500

// intake is one batch being received: what the office held of its
// records when it began, kept up to date with what the batch has added
// since, and the writes not made yet.
type intake struct {
	held    Held
	records []StoredRecord
	puts    []Application
	put     map[string]int // application id -> its index in puts
}

func newIntake(tx Tx, recs []ksync.Record) (*intake, error) {
	var q HeldQuery
	for _, r := range recs {
		q.IDs = append(q.IDs, r.ID())
		q.AppIDs = append(q.AppIDs, r.AppID)
		q.Numbers = append(q.Numbers, r.Number)
		if r.Photo != "" {
			q.Photos = append(q.Photos, r.Photo)
		}
	}
	h, err := tx.Held(q)
	if err != nil {
		return nil, err
	}
	if h.Hashes == nil {
		h.Hashes = map[string]string{}
	}
	if h.AppKits == nil {
		h.AppKits = map[string]string{}
	}
	if h.Numbers == nil {
		h.Numbers = map[string]NumberOwner{}
	}
	if h.Apps == nil {
		h.Apps = map[string]Application{}
	}
	if h.Photos == nil {
		h.Photos = map[string]Attachment{}
	}
	return &intake{held: h, put: map[string]int{}}, nil
}

// owners is what Tx.Owners would answer inside the batch.
func (in *intake) owners(appID, number string) Owners {
	n := in.held.Numbers[number]
	return Owners{AppKit: in.held.AppKits[appID], NumberApp: n.App, NumberKit: n.Kit}
}

// add stores r at the next flush, and answers for it from now on.
func (in *intake) add(r StoredRecord) {
	in.records = append(in.records, r)
	in.held.Hashes[r.ID] = r.Hash
	if _, ok := in.held.AppKits[r.AppID]; !ok {
		in.held.AppKits[r.AppID] = r.Kit
	}
	if _, ok := in.held.Numbers[r.Number]; !ok {
		in.held.Numbers[r.Number] = NumberOwner{App: r.AppID, Kit: r.Kit}
	}
}

// flush writes the records and applications added since the last flush.
func (in *intake) flush(tx Tx) error {
	if len(in.records) > 0 {
		if err := tx.AddRecords(in.records); err != nil {
			return err
		}
	}
	if len(in.puts) > 0 {
		if err := tx.PutApplications(in.puts); err != nil {
			return err
		}
	}
	in.records, in.puts = in.records[:0], in.puts[:0]
	clear(in.put)
	return nil
}

// putApp puts a at the next flush (the last put of an application wins).
func (in *intake) putApp(a Application) {
	in.held.Apps[a.AppID] = a
	if i, ok := in.put[a.AppID]; ok {
		in.puts[i] = a
		return
	}
	in.put[a.AppID] = len(in.puts)
	in.puts = append(in.puts, a)
}

// auditGenesis is what the first entry of a kit's chain follows.
const auditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// followsHeld refuses an audit segment that does not follow from the
// entries the office holds: an entry it holds sent with another hash (the
// kit's history was rewritten), or a first entry that does not link to the
// last one received (entries removed or inserted since). The kit signs
// every request with its device key, so the heads the office holds are the
// kit's own.
func followsHeld(tx Tx, kit string, entries []ksync.AuditEntry) error {
	for i, e := range entries {
		held, err := tx.AuditHash(kit, e.Seq)
		if err != nil {
			return err
		}
		if held != "" {
			if held != e.Hash {
				return malformedf("audit entry %d differs from the one the office received before: the kit's audit log was rewritten", e.Seq)
			}
			continue
		}
		prev := auditGenesis
		switch {
		case i > 0 && entries[i-1].Seq == e.Seq-1:
			prev = entries[i-1].Hash
		case e.Seq > 1:
			if prev, err = tx.AuditHash(kit, e.Seq-1); err != nil {
				return err
			}
			if prev == "" {
				return malformedf("audit entry %d arrives without entry %d: the kit's audit log has a gap", e.Seq, e.Seq-1)
			}
		}
		if e.PrevHash != prev {
			return malformedf("audit entry %d does not follow entry %d that the office holds: entries were removed or changed on the kit", e.Seq, e.Seq-1)
		}
	}
	return nil
}

func (o *Office) receiveRecord(tx Tx, in *intake, kit string, r ksync.Record, c checked, via string, now time.Time) (ksync.Ack, error) {
	id, hash := r.ID(), r.Hash()
	ack := ksync.Ack{ID: id, Hash: hash}
	held, found := in.held.Hashes[id]
	if found && held == hash {
		ack.Result = ksync.AckDuplicate
		return ack, nil
	}
	body := c.body
	if err := checkOwner(in.owners(r.AppID, r.Number), kit, r); err != nil {
		var taken *numberTaken
		if !errors.As(err, &taken) {
			return ack, err
		}
		held, ok := in.held.Hashes[taken.holder+"/1"]
		if !ok {
			held, err = tx.RecordHash(taken.holder + "/1")
			if err != nil && !errors.Is(err, ErrNotFound) {
				return ack, err
			}
		}
		o.log.Warn("a number from two devices of one kit", "kit", kit, "number", taken.number, "held_for", taken.holder, "offered_by", r.AppID)
		ack.Result = ksync.AckConflict
		ack.Message = fmt.Sprintf("the office holds number %s for application %s; two devices of kit %s gave it out, so this application is kept aside for the supervisor", taken.number, taken.holder, kit)
		return ack, tx.AddConflict(Conflict{RecordID: id, Kit: kit, HeldHash: held, OfferedHash: hash, Body: body, At: now})
	}
	if found {
		ack.Result = ksync.AckConflict
		ack.Message = fmt.Sprintf("the office already holds %s with other content (hash %s); it keeps the first", id, held)
		return ack, tx.AddConflict(Conflict{RecordID: id, Kit: kit, HeldHash: held, OfferedHash: hash, Body: body, At: now})
	}
	if r.Photo != "" {
		a, ok := in.held.Photos[r.Photo]
		if !ok {
			ack.Result = ksync.AckMissingAttachment
			ack.Message = fmt.Sprintf("photo %s is not held whole yet; upload it and send the record again", r.Photo)
			return ack, nil
		}
		if size := c.photoSize; size >= 0 && size != a.Total {
			return ack, malformedf("record %s: its document says the photo has %d bytes, the photo %s held has %d", id, size, r.Photo, a.Total)
		}
	}
	in.add(StoredRecord{ID: id, AppID: r.AppID, Version: r.Version, Kit: kit, Number: r.Number, Hash: hash, Body: body, ReceivedAt: now, Via: via, Photo: r.Photo})
	supersede(in, r, c, now)
	ack.Result = ksync.AckStored
	return ack, nil
}

// nextStatuses are the office's decisions that may follow each other. A
// ready passport may go back to accepted (recalled for a misprint); a
// rejection may be reversed; nothing follows a handover the kit reported.
var nextStatuses = map[string][]string{
	StatusReceived:       {ksync.StatusAccepted, ksync.StatusRejected, ksync.StatusReady},
	ksync.StatusAccepted: {ksync.StatusRejected, ksync.StatusReady},
	ksync.StatusReady:    {ksync.StatusAccepted},
	ksync.StatusRejected: {ksync.StatusAccepted},
}

// statusChange refuses a decision that cannot follow the application's
// current one, and a repeat that changes nothing.
func statusChange(a Application, status, reason, pickup string) error {
	if a.KitStatus == "handed-over" {
		return badRequestf("%s was handed over to the applicant (the kit reported it): its status no longer changes", a.Number)
	}
	if a.Status == status {
		if a.Reason == reason && a.Pickup == pickup {
			return badRequestf("%s is %s already", a.Number, status)
		}
		return nil // a new pickup or a better reason
	}
	if !slices.Contains(nextStatuses[a.Status], status) {
		return badRequestf("%s is %s: it cannot become %s", a.Number, a.Status, status)
	}
	return nil
}

// supersede makes r the application's current version if it is the
// newest held, keeping the status the office set.
func supersede(in *intake, r ksync.Record, c checked, now time.Time) {
	cur, exists := in.held.Apps[r.AppID]
	if exists && cur.Version >= r.Version {
		return
	}
	a := Application{
		AppID: r.AppID, Kit: r.Kit, Number: r.Number, Version: r.Version,
		Form: r.Form, FormVersion: r.FormVersion, KitStatus: r.Status, Event: r.Event,
		CreatedAt: r.CreatedAt, ReceivedAt: now, Status: StatusReceived, UpdatedAt: now,
	}
	a.Province, a.Regency, a.District, a.Purpose = c.province, c.regency, c.district, c.purpose
	if exists {
		a.ReceivedAt, a.Status, a.Reason, a.Pickup = cur.ReceivedAt, cur.Status, cur.Reason, cur.Pickup
	}
	in.putApp(a)
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// AttachmentState says how much of each attachment the office holds for
// kit: all of it when whole (whoever sent it), else what kit itself sent.
func (o *Office) AttachmentState(ctx context.Context, kit string, shas []string) (ksync.AttachmentState, error) {
	if len(shas) > MaxStateQuery {
		return ksync.AttachmentState{}, ksync.Errorf(ksync.CodeTooLarge, "%d attachments asked about, at most %d at once", len(shas), MaxStateQuery)
	}
	for _, s := range shas {
		if !isSHA256(s) {
			return ksync.AttachmentState{}, badRequestf("%q is not a SHA-256 in lowercase hex", s)
		}
	}
	var st ksync.AttachmentState
	err := o.store.View(ctx, func(tx Tx) (err error) {
		st, err = attachmentState(tx, kit, shas)
		return err
	})
	return st, err
}

func attachmentState(tx Tx, kit string, shas []string) (ksync.AttachmentState, error) {
	st := ksync.AttachmentState{Held: map[string]int64{}, Complete: []string{}}
	// The whole ones in one lookup; the kit's partials one by one, unless
	// it holds none (a day's new photos).
	whole, err := tx.Held(HeldQuery{Photos: shas})
	if err != nil {
		return st, err
	}
	partials := int64(-1)
	for _, s := range shas {
		if a, ok := whole.Photos[s]; ok {
			st.Held[s] = a.Total
			st.Complete = append(st.Complete, s)
			continue
		}
		if partials < 0 {
			if partials, err = tx.PartialBytes(kit); err != nil {
				return st, err
			}
		}
		if partials == 0 {
			st.Held[s] = 0
			continue
		}
		p, err := tx.Partial(s, kit)
		if errors.Is(err, ErrNotFound) {
			st.Held[s] = 0
			continue
		}
		if err != nil {
			return st, err
		}
		st.Held[s] = p.Held
	}
	return st, nil
}

// FrameSource yields attachment frames; *ksync.FrameReader is one.
type FrameSource interface {
	Next() (ksync.Frame, error)
}

// Frames are committed in groups, so that a fast link is not held back by
// one durable commit per frame: a group is committed once it holds
// uploadGroupBytes of data, or once uploadGroupWait has passed since its
// first frame arrived (checked as each frame arrives), or when the stream
// ends or fails. On a slow link, where frames arrive further apart than
// uploadGroupWait, a group is one or two frames, as before; on a fast one
// a commit carries up to 256 KiB, and one full group is committed while
// the next is read from the link, so that the commit's durable write does
// not stop the link: the two fit in the memory the server reserves for an upload
// besides its attachment (Limits.UploadPerFrame, 1 MiB: two groups of at
// most uploadGroupMax and the frame being read).
//
// A full group ends with an attachment's last frame when it can (at most
// uploadGroupMax), so that a photo is seldom split over two commits: one
// that arrives whole in a group is written whole, once (applyWhole).
const (
	uploadGroupBytes = 256 << 10
	uploadGroupMax   = 448 << 10
	uploadGroupWait  = 20 * time.Millisecond
)

// Upload applies frames from kit, committing them in groups (see
// uploadGroupBytes), and answers the state of every attachment they
// touched. What a kit sends of an attachment is its own until whole:
// another kit's frames for the same hash neither block nor change it. A
// frame wholly before what the kit has sent is ignored; one that overlaps
// it adds only the new part; one after a gap ends the upload with
// offset_mismatch (the frames before it stay committed, none after it is).
// A cut stream keeps every frame received whole.
func (o *Office) Upload(ctx context.Context, kit string, frames FrameSource) (ksync.AttachmentState, error) {
	var touched []string
	seen := map[string]bool{}
	state := func() (ksync.AttachmentState, error) { return o.AttachmentState(ctx, kit, touched) }
	defer o.maybePrune(ctx)
	var group []ksync.Frame
	var groupBytes int
	var groupStart time.Time
	// One group at a time is committed in the background (committing),
	// its answer in done; wait has it.
	done := make(chan error, 1)
	committing := false
	wait := func() error {
		if !committing {
			return nil
		}
		committing = false
		return <-done
	}
	// hand starts committing the group once the one before is committed;
	// that one's error (a refused frame ends the upload: nothing after it
	// is committed) is returned instead.
	hand := func() error {
		if err := wait(); err != nil {
			return err
		}
		if len(group) == 0 {
			return nil
		}
		g := group
		group, groupBytes = nil, 0
		committing = true
		go func() { done <- o.commitFrames(ctx, kit, g) }()
		return nil
	}
	// finish commits what is left, after the group before it.
	finish := func() error {
		if err := wait(); err != nil {
			return err
		}
		g := group
		group, groupBytes = nil, 0
		return o.commitFrames(ctx, kit, g)
	}
	for {
		f, err := frames.Next()
		if err == io.EOF {
			if err := finish(); err != nil {
				return ksync.AttachmentState{}, err
			}
			return state()
		}
		if err != nil {
			// What was received whole is kept, whatever ended the stream.
			if cerr := finish(); cerr != nil {
				return ksync.AttachmentState{}, cerr
			}
			var ke *ksync.Error
			if errors.As(err, &ke) {
				return ksync.AttachmentState{}, ke
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return ksync.AttachmentState{}, malformedf("the upload was cut in the middle of a frame: %v", err)
			}
			return ksync.AttachmentState{}, err // the body could not be read: the caller says why
		}
		if err := checkFrame(f); err != nil {
			if cerr := finish(); cerr != nil {
				return ksync.AttachmentState{}, cerr
			}
			return ksync.AttachmentState{}, err
		}
		if !seen[f.SHA256] {
			seen[f.SHA256] = true
			if len(touched) == MaxStateQuery {
				if cerr := finish(); cerr != nil {
					return ksync.AttachmentState{}, cerr
				}
				return ksync.AttachmentState{}, ksync.Errorf(ksync.CodeTooLarge, "more than %d attachments in one upload", MaxStateQuery)
			}
			touched = append(touched, f.SHA256)
		}
		if len(group) == 0 {
			groupStart = time.Now()
		}
		group = append(group, f)
		groupBytes += len(f.Data)
		ends := f.Offset+int64(len(f.Data)) == f.Total
		switch {
		case groupBytes >= uploadGroupBytes && ends || groupBytes >= uploadGroupMax:
			// A fast link: the next group is read while this one commits.
			if err := hand(); err != nil {
				return ksync.AttachmentState{}, err
			}
		case time.Since(groupStart) >= uploadGroupWait:
			// A slow one: committed before the next frame is awaited, so
			// that a cut or a killed office loses at most that frame.
			if err := finish(); err != nil {
				return ksync.AttachmentState{}, err
			}
		}
	}
}

// commitFrames applies a group of frames in one transaction. A frame the
// protocol refuses (a *ksync.Error, found before it writes anything) ends
// the group: the frames before it are committed, as they would have been
// one by one, and its error is returned.
func (o *Office) commitFrames(ctx context.Context, kit string, group []ksync.Frame) error {
	if len(group) == 0 {
		return nil
	}
	var refused error
	// Not cancelled with the request: a cut connection cancels it, and
	// what arrived before the cut is kept all the same.
	err := o.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		refused = nil // Update may run this again
		for i := 0; i < len(group); {
			n, err := o.applyWhole(tx, kit, group[i:])
			if err != nil {
				return err
			}
			if n > 0 {
				i += n
				continue
			}
			if err := o.applyFrame(tx, kit, group[i]); err != nil {
				var ke *ksync.Error
				if errors.As(err, &ke) {
					refused = err
					return nil
				}
				return err
			}
			i++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return refused
}

// applyWhole stores at once an attachment whose every byte is in the
// first frames of group, none of it held before (a photo sent whole
// within one group, as on a fast link): what applyFrame would make of
// those frames one by one, without writing the bytes twice (as chunks,
// then whole). It answers how many frames it took, 0 when they are not
// such an attachment (applyFrame then takes them one at a time, and says
// why if one is refused).
func (o *Office) applyWhole(tx Tx, kit string, group []ksync.Frame) (int, error) {
	f := group[0]
	if f.Offset != 0 || f.Total == 0 || int64(len(f.Data)) > f.Total {
		return 0, nil
	}
	end, n := int64(0), 0
	for _, g := range group {
		if g.SHA256 != f.SHA256 || g.Total != f.Total || g.Offset != end || len(g.Data) == 0 {
			break
		}
		end += int64(len(g.Data))
		n++
		if end == f.Total {
			break
		}
	}
	if end != f.Total {
		return 0, nil
	}
	if _, err := tx.Attachment(f.SHA256); err == nil {
		return n, nil // whole already
	} else if !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	if _, err := tx.Partial(f.SHA256, kit); err == nil {
		return 0, nil // resumed: frame by frame
	} else if !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	held, err := tx.PartialBytes(kit)
	if err != nil {
		return 0, err
	}
	if held+f.Total > o.limits.PartialBytes {
		return 0, nil // applyFrame refuses the frame that goes beyond
	}
	data := make([]byte, 0, f.Total)
	for _, g := range group[:n] {
		data = append(data, g.Data...)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != f.SHA256 {
		o.log.Info("attachment discarded: its content does not match its SHA-256", "kit", kit, "sha256", f.SHA256, "bytes", len(data))
		return n, nil
	}
	return n, tx.CompleteAttachment(Attachment{SHA256: f.SHA256, Total: f.Total, Kit: kit, UpdatedAt: o.now()}, data)
}

func checkFrame(f ksync.Frame) error {
	switch {
	case !isSHA256(f.SHA256):
		return malformedf("frame: %q is not a SHA-256 in lowercase hex", f.SHA256)
	case f.Total < 0 || f.Total > ksync.MaxAttachmentSize:
		return ksync.Errorf(ksync.CodeTooLarge, "attachment %s: total %d bytes, want at most %d", f.SHA256, f.Total, ksync.MaxAttachmentSize)
	case len(f.Data) > ksync.MaxFrameData:
		return ksync.Errorf(ksync.CodeTooLarge, "frame of %s: %d bytes, at most %d", f.SHA256, len(f.Data), ksync.MaxFrameData)
	case f.Offset < 0 || f.Offset+int64(len(f.Data)) > f.Total:
		return malformedf("frame of %s: bytes %d to %d of %d", f.SHA256, f.Offset, f.Offset+int64(len(f.Data)), f.Total)
	}
	return nil
}

func (o *Office) applyFrame(tx Tx, kit string, f ksync.Frame) error {
	now := o.now()
	if _, err := tx.Attachment(f.SHA256); err == nil {
		return nil // whole already
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	p, err := tx.Partial(f.SHA256, kit)
	switch {
	case errors.Is(err, ErrNotFound):
		p = Partial{SHA256: f.SHA256, Kit: kit, Total: f.Total}
	case err != nil:
		return err
	case p.Total != f.Total:
		if p.Held > 0 {
			return malformedf("attachment %s: frame says %d bytes in all, this kit sent %d of %d before", f.SHA256, f.Total, p.Held, p.Total)
		}
		p.Total = f.Total
	}
	end := f.Offset + int64(len(f.Data))
	if end <= p.Held && p.Total > 0 {
		return nil
	}
	if f.Offset > p.Held {
		return ksync.Errorf(ksync.CodeOffsetMismatch, "attachment %s: the office holds %d bytes from this kit, the frame starts at %d", f.SHA256, p.Held, f.Offset)
	}
	if end > p.Held {
		held, err := tx.PartialBytes(kit)
		if err != nil {
			return err
		}
		if add := end - p.Held; held+add > o.limits.PartialBytes {
			return ksync.Errorf(ksync.CodeTooLarge, "kit %s holds %d bytes of attachments not yet whole, at most %d: finish or drop some first", kit, held, o.limits.PartialBytes)
		}
		if err := tx.AddChunk(f.SHA256, kit, p.Held, f.Data[p.Held-f.Offset:]); err != nil {
			return err
		}
		p.Held = end
	}
	p.UpdatedAt = now
	if err := tx.PutPartial(p); err != nil {
		return err
	}
	if p.Held < p.Total {
		return nil
	}
	data, err := tx.Chunks(f.SHA256, kit)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(data)) != p.Total {
		o.log.Info("attachment discarded: its content does not match its SHA-256", "kit", kit, "sha256", f.SHA256, "bytes", len(data))
		return tx.DeletePartial(f.SHA256, kit)
	}
	return tx.CompleteAttachment(Attachment{SHA256: f.SHA256, Total: p.Total, Kit: kit, UpdatedAt: now}, data)
}

// Prune drops what kits started and never finished (partial attachments
// not added to for OrphanTTL) and whole attachments that no record refers
// to after OrphanTTL: photos are kept only for the records that need them.
func (o *Office) Prune(ctx context.Context) (partials, whole int, err error) {
	before := o.now().Add(-o.limits.OrphanTTL)
	err = o.store.Update(ctx, func(tx Tx) (err error) {
		partials, whole, err = tx.PruneAttachments(before)
		return err
	})
	if err == nil && partials+whole > 0 {
		o.log.Info("attachments pruned", "partials", partials, "unreferenced", whole, "older_than", before.UTC().Format(time.RFC3339))
	}
	return partials, whole, err
}

// maybePrune prunes at most once an hour, on the back of an upload.
func (o *Office) maybePrune(ctx context.Context) {
	now := o.now().Unix()
	last := o.lastPrune.Load()
	if now-last < 3600 || !o.lastPrune.CompareAndSwap(last, now) {
		return
	}
	if _, _, err := o.Prune(context.WithoutCancel(ctx)); err != nil {
		o.log.Warn("pruning attachments", "err", err)
	}
}

// Statuses answers the statuses set on kit's applications after seq
// after, at most MaxStatuses at a time.
func (o *Office) Statuses(ctx context.Context, kit string, after int64) (ksync.Statuses, error) {
	if after < 0 {
		return ksync.Statuses{}, badRequestf("after=%d: want 0 or more", after)
	}
	res := ksync.Statuses{Last: after}
	err := o.store.View(ctx, func(tx Tx) (err error) {
		if res.Statuses, err = tx.Statuses(kit, after, MaxStatuses); err != nil {
			return err
		}
		res.Visits, err = o.plan(tx)
		return err
	})
	if n := len(res.Statuses); n > 0 {
		res.Last = res.Statuses[n-1].Seq
	}
	return res, err
}

// SetStatus records the office's decision on an application, given by id
// or number; it will travel back to the kit. A rejection needs a reason
// and a ready passport needs a pickup (the visit where it is handed over).
func (o *Office) SetStatus(ctx context.Context, idOrNumber, status, reason, pickup string) (ksync.Status, error) {
	return o.setStatus(ctx, idOrNumber, status, reason, pickup, "")
}

// SetReady says an application's passport is ready and will be handed
// over at a planned visit: the kit at that visit lists it (app list
// --ready-here), and the pickup names the visit's place and date.
func (o *Office) SetReady(ctx context.Context, idOrNumber, visitID string) (ksync.Status, error) {
	return o.setStatus(ctx, idOrNumber, ksync.StatusReady, "", "", strings.TrimSpace(visitID))
}

func (o *Office) setStatus(ctx context.Context, idOrNumber, status, reason, pickup, visitID string) (ksync.Status, error) {
	reason, pickup = strings.TrimSpace(reason), strings.TrimSpace(pickup)
	if visitID != "" {
		var v Visit
		err := o.store.View(ctx, func(tx Tx) (err error) {
			v, err = visitByID(tx, visitID)
			return err
		})
		if err != nil {
			return ksync.Status{}, err
		}
		pickup = v.Place + ", " + v.Date
	}
	switch status {
	case ksync.StatusAccepted:
	case ksync.StatusRejected:
		if reason == "" {
			return ksync.Status{}, badRequestf("a rejection needs a reason (--reason)")
		}
	case ksync.StatusReady:
		if pickup == "" {
			return ksync.Status{}, badRequestf("a ready passport needs a pickup visit (--pickup)")
		}
	default:
		return ksync.Status{}, badRequestf("status %q: want accepted, rejected or ready", status)
	}
	var st ksync.Status
	err := o.store.Update(ctx, func(tx Tx) error {
		a, err := tx.Application(idOrNumber)
		if errors.Is(err, ErrNotFound) {
			return ksync.Errorf(ksync.CodeNotFound, "no application %q at this office", idOrNumber)
		}
		if err != nil {
			return err
		}
		if err := statusChange(a, status, reason, pickup); err != nil {
			return err
		}
		now := o.now()
		st = ksync.Status{AppID: a.AppID, Number: a.Number, Status: status, Reason: reason, Pickup: pickup, VisitID: visitID, At: now.UTC()}
		if st.Seq, err = tx.AddStatus(a.Kit, st); err != nil {
			return err
		}
		a.Status, a.Reason, a.Pickup, a.UpdatedAt = status, reason, pickup, now
		return tx.PutApplication(a)
	})
	return st, err
}

// Apps lists applications.
func (o *Office) Apps(ctx context.Context, f AppFilter) ([]Application, error) {
	var list []Application
	err := o.store.View(ctx, func(tx Tx) (err error) {
		list, err = tx.Applications(f)
		return err
	})
	return list, err
}

// Conflicts lists the records offered again with other content ("" for
// every kit).
func (o *Office) Conflicts(ctx context.Context, kit string) ([]Conflict, error) {
	var list []Conflict
	err := o.store.View(ctx, func(tx Tx) (err error) {
		list, err = tx.Conflicts(kit)
		return err
	})
	return list, err
}

// Import opens a sealed export file, applies it with the same rules as the
// endpoints in one transaction, and answers the signed ack file for the
// kit. A tampered, truncated, foreign or revoked kit's file is refused
// before anything is written. The file is streamed: its payload is checked
// against its signed hash before anything of it is decompressed, and one
// attachment at a time is held in memory. Only attachments that a record
// of the file refers to are kept.
func (o *Office) Import(ctx context.Context, r io.Reader) (*ksync.AckFile, error) {
	er, err := ksync.ReadExport(r, o.tmpDir, o.keys.AgeIdentity, o.KeysFor(ctx))
	if err != nil {
		return nil, err
	}
	defer er.Close()
	// The file's batch is read a page at a time (EachRecord), never held
	// whole: first to refuse, before anything is stored, a file that could
	// not all be taken, and to learn which photos its records name; then
	// again in the transaction, to receive it.
	if er.Records > o.limits.ImportRecords {
		return nil, ksync.Errorf(ksync.CodeTooLarge, "batch of %d records, at most %d", er.Records, o.limits.ImportRecords)
	}
	if er.AuditEntries > o.limits.ImportAudit {
		return nil, ksync.Errorf(ksync.CodeTooLarge, "batch of %d audit entries, at most %d", er.AuditEntries, o.limits.ImportAudit)
	}
	page := func(records []ksync.Record, audit []ksync.AuditEntry) ksync.Batch {
		return ksync.Batch{BatchID: er.BatchID, Kit: er.Kit, Records: records, Audit: audit}
	}
	wanted := map[string]bool{}
	err = er.EachRecord(func(recs []ksync.Record) error {
		if _, err := o.checkBatch(er.Kit, page(recs, nil), len(recs), 0); err != nil {
			return err
		}
		for _, rec := range recs {
			if rec.Photo != "" {
				wanted[rec.Photo] = true
			}
		}
		return nil
	})
	if err == nil {
		err = er.EachAudit(func(entries []ksync.AuditEntry) error {
			_, err := o.checkBatch(er.Kit, page(nil, entries), 0, len(entries))
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	now := o.now()
	f := &ksync.AckFile{Kit: er.Kit, Created: now.UTC()}
	skipped, runs := 0, 0
	err = o.store.Update(ctx, func(tx Tx) error {
		// fn may run again (Store.Update): set, do not accumulate, and
		// read the file's attachments from the start again.
		f.Statuses, skipped = nil, 0
		if runs++; runs > 1 {
			if err := er.Rewind(); err != nil {
				return err
			}
		}
		for {
			sha, data, err := er.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if !wanted[sha] {
				skipped++
				continue
			}
			if err := tx.CompleteAttachment(Attachment{SHA256: sha, Total: int64(len(data)), Kit: er.Kit, UpdatedAt: now}, data); err != nil {
				return err
			}
		}
		f.Acks = nil
		err := er.EachRecord(func(recs []ksync.Record) error {
			b := page(recs, nil)
			checks, err := o.checkBatch(er.Kit, b, len(recs), 0)
			if err != nil {
				return err
			}
			acks, err := o.receive(tx, er.Kit, b, checks, ViaImport)
			f.Acks = append(f.Acks, acks...)
			return err
		})
		if err != nil {
			return err
		}
		// The audit entries after every record, as in one batch.
		if err := er.EachAudit(func(entries []ksync.AuditEntry) error {
			_, err := o.receive(tx, er.Kit, page(nil, entries), nil, ViaImport)
			return err
		}); err != nil {
			return err
		}
		if f.Visits, err = o.plan(tx); err != nil {
			return err
		}
		// Every status of the kit's applications: the kit keeps what it
		// has not seen, by seq.
		var after int64
		for {
			list, err := tx.Statuses(er.Kit, after, MaxStatuses)
			if err != nil {
				return err
			}
			f.Statuses = append(f.Statuses, list...)
			if len(list) < MaxStatuses {
				return nil
			}
			after = list[len(list)-1].Seq
		}
	})
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		o.log.Info("import: attachments no record of the file refers to were not kept", "kit", er.Kit, "skipped", skipped)
	}
	o.logAcks(er.Kit, "import "+er.Created.UTC().Format(time.RFC3339), f.Acks)
	f.Sign(o.keys.Signing)
	return f, nil
}

// Summary counts acks by result.
type Summary struct {
	Stored, Duplicate, Conflict, MissingAttachment int
}

// Summarize counts acks by result.
func Summarize(acks []ksync.Ack) Summary {
	var s Summary
	for _, a := range acks {
		switch a.Result {
		case ksync.AckStored:
			s.Stored++
		case ksync.AckDuplicate:
			s.Duplicate++
		case ksync.AckConflict:
			s.Conflict++
		case ksync.AckMissingAttachment:
			s.MissingAttachment++
		}
	}
	return s
}

// OpenRecovery opens a kit's recovery slot (sealed to this office's age
// key at the kit's enrollment): the kit's whole secret, so that the office
// can read a kit whose officers cannot (jemput-central kit recover).
func (o *Office) OpenRecovery(slot []byte) (vault.Secret, error) {
	if len(slot) == 0 {
		return vault.Secret{}, errors.New("the kit has no recovery slot: it was never enrolled with an office")
	}
	return vault.UnwrapIdentity(slot, o.keys.AgeIdentity)
}
