// Package kitside is the kit's side of sync: what the kit's applications
// become on the wire, and the office's answers stored back through
// intake.Service. What a record holds decides its content hash, so this is
// the core of exactly-once: a record is made only of what belongs to its
// version and never changes, so that sending it again is a duplicate,
// never a conflict. Both sides' tests reach it.
package kitside

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/jemput/jemput/intake"
	ksync "github.com/jemput/jemput/sync"
)

// Side gives the sync client what it needs from the kit: the records to
// send, their photos, and where to keep the office's answers.
type Side struct {
	svc *intake.Service
	kit string
	// Rejected collects the applications the office rejected during a
	// run, for its summary.
	Rejected []ksync.Status
}

var (
	_ ksync.KitSide   = (*Side)(nil)
	_ ksync.AuditSide = (*Side)(nil)
	_ ksync.OfferSide = (*Side)(nil)
)

// New returns the sync side of the kit with code kit, over svc.
func New(svc *intake.Service, kit string) *Side { return &Side{svc: svc, kit: kit} }

// Record turns an application version into the record the office keeps.
// Everything in it belongs to that version and never changes afterwards, so
// sending it again gives the same content hash: the office answers
// "duplicate", never "conflict", for a resend.
func Record(kit string, it intake.SyncItem) (ksync.Record, error) {
	a := it.App
	doc, err := json.Marshal(a.Doc)
	if err != nil {
		return ksync.Record{}, err
	}
	r := ksync.Record{
		AppID: a.ID, Version: a.Version, Number: a.Number, Kit: kit,
		Form: a.FormID, FormVersion: a.FormVersion, Status: string(it.VersionStatus),
		Event:     ksync.Event{ID: it.Event.ID, Type: string(it.Event.Type), Name: it.Event.Name, Place: it.Event.Place, Date: it.Event.Date},
		Officer:   ksync.Officer{NIP: it.Officer.NIP, Name: it.Officer.Name},
		CreatedAt: it.VersionAt.UTC(),
		Doc:       doc,
	}
	if a.Doc.Photo != nil {
		r.Photo = a.Doc.Photo.SHA256
	}
	// The application's moves (approved, returned…) are not in the record:
	// they happen after the version is made, and a record must not change.
	return r, nil
}

// PageSize is how many applications a page of Pending or Backup holds.
// Each is about one record's document (a few KB) while the page is made.
var PageSize = intake.PageSize

// Pending gives fn the records the office has not finally acked, with
// their photos, a page of PageSize at a time (intake.EachPending: each
// page read in a transaction of its own, none held while fn runs).
func (k *Side) Pending(ctx context.Context, fn func([]ksync.Record, []ksync.Photo) error) error {
	return k.svc.EachPending(ctx, PageSize, func(items []intake.SyncItem) error {
		recs, photos, err := k.records(items)
		if err != nil {
			return err
		}
		return fn(recs, photos)
	})
}

// Backup lists the records of every application captured but not
// approved, with their photos, for a sealed backup at the office. It holds
// them all (a backup is one sealed body, sync.SealBackup): what is not yet
// approved is a day's intake, not the kit's history.
func (k *Side) Backup(ctx context.Context) ([]ksync.Record, []ksync.Photo, error) {
	var recs []ksync.Record
	var photos []ksync.Photo
	seen := map[string]bool{}
	err := k.svc.EachBackupItem(ctx, PageSize, func(items []intake.SyncItem) error {
		page, ps, err := k.records(items)
		if err != nil {
			return err
		}
		recs = append(recs, page...)
		for _, p := range ps {
			if !seen[p.SHA256] {
				seen[p.SHA256] = true
				photos = append(photos, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return recs, photos, nil
}

// records makes the records of a page and lists their photos, each once
// in the page.
func (k *Side) records(items []intake.SyncItem) ([]ksync.Record, []ksync.Photo, error) {
	recs := make([]ksync.Record, 0, len(items))
	var photos []ksync.Photo
	seen := map[string]bool{}
	for _, it := range items {
		r, err := Record(k.kit, it)
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, r)
		if p := it.App.Doc.Photo; p != nil && !seen[p.SHA256] {
			seen[p.SHA256] = true
			photos = append(photos, ksync.Photo{SHA256: p.SHA256, Size: int64(p.Size)})
		}
	}
	return recs, photos, nil
}

func (k *Side) Photo(ctx context.Context, sha string) ([]byte, error) { return k.svc.Photo(ctx, sha) }

func (k *Side) SaveAcks(ctx context.Context, acks []ksync.Ack) error {
	list := make([]intake.Ack, 0, len(acks))
	for _, a := range acks {
		appID, v, ok := strings.Cut(a.ID, "/")
		version, err := strconv.Atoi(v)
		if !ok || err != nil {
			return intake.Errorf(intake.CodeInvalid, "jawaban kantor untuk rekaman tak dikenal %q", "office answer for an unknown record %q", a.ID)
		}
		list = append(list, intake.Ack{AppID: appID, Version: version, Hash: a.Hash, Result: a.Result, Message: a.Message})
	}
	return k.svc.RecordAcks(ctx, list)
}

func (k *Side) StatusCursor(ctx context.Context) (int64, error) { return k.svc.StatusCursor(ctx) }

func (k *Side) SaveStatuses(ctx context.Context, s ksync.Statuses) error {
	list := make([]intake.OfficeStatus, 0, len(s.Statuses))
	for _, st := range s.Statuses {
		if st.Status == ksync.StatusRejected {
			k.Rejected = append(k.Rejected, st)
		}
		list = append(list, intake.OfficeStatus{Seq: st.Seq, AppID: st.AppID, Status: intake.Status(st.Status), Reason: st.Reason, Pickup: st.Pickup, VisitID: st.VisitID, At: st.At})
	}
	// The plan first: a status may name one of its visits.
	visits := make([]intake.Visit, 0, len(s.Visits))
	for _, v := range s.Visits {
		visits = append(visits, intake.Visit{ID: v.ID, Place: v.Place, Date: v.Date, Type: v.Type, Capacity: v.Capacity})
	}
	if err := k.svc.ApplyVisits(ctx, visits); err != nil {
		return err
	}
	_, err := k.svc.ApplyStatuses(ctx, list)
	return err
}

// AuditToSend lists up to limit entries after the last one the office
// holds.
func (k *Side) AuditToSend(ctx context.Context, limit int) ([]ksync.AuditEntry, error) {
	list, err := k.svc.AuditToSend(ctx, limit)
	return auditEntries(list), err
}

// Audit gives fn the audit entries after the last one the office holds, a
// page of limit at a time, and moves no cursor: what an export file
// carries (the office's ack file does not move it either).
func (k *Side) Audit(ctx context.Context, limit int, fn func([]ksync.AuditEntry) error) error {
	seq, err := k.svc.AuditCursor(ctx)
	if err != nil {
		return err
	}
	for {
		list, err := k.svc.AuditAfter(ctx, seq, limit)
		if err != nil || len(list) == 0 {
			return err
		}
		seq = list[len(list)-1].Seq
		if err := fn(auditEntries(list)); err != nil {
			return err
		}
	}
}

func auditEntries(list []intake.AuditEntry) []ksync.AuditEntry {
	out := make([]ksync.AuditEntry, 0, len(list))
	for _, e := range list {
		out = append(out, ksync.AuditEntry{Seq: e.Seq, At: e.At.UTC(), Officer: e.OfficerID, Action: e.Action, Entity: e.Entity,
			EntityID: e.EntityID, Reason: e.Reason, Detail: e.Detail, PrevHash: e.PrevHash, Hash: e.Hash})
	}
	return out
}

func (k *Side) AuditSent(ctx context.Context, seq int64) error { return k.svc.AuditSent(ctx, seq) }

func (k *Side) Offering(ctx context.Context, ids []string) error {
	return k.svc.MarkOffered(ctx, ids)
}
