package intake

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Office is the central office this kit is enrolled with.
type Office struct {
	URL              string
	Name             string
	SigningKey       []byte // ed25519 public key
	SealingRecipient string // age recipient for export files
	TLSCertSHA256    string
	EnrolledAt       time.Time
}

// Ack results the office gives for one application version.
const (
	AckStored            = "stored"
	AckDuplicate         = "duplicate"
	AckConflict          = "conflict"
	AckMissingAttachment = "missing_attachment"
)

// Ack is the office's answer about one application version.
type Ack struct {
	AppID   string
	Version int
	Hash    string
	Result  string
	Message string
	At      time.Time
}

// RecordID names an application version on the wire.
func RecordID(appID string, version int) string { return appID + "/" + strconv.Itoa(version) }

// Held reports whether the office holds the version (stored now or before).
func (a Ack) Held() bool { return a.Result == AckStored || a.Result == AckDuplicate }

// OfficeStatus is what the office says about an application.
type OfficeStatus struct {
	Seq    int64
	AppID  string
	Status Status // accepted, rejected, ready
	Reason string
	Pickup string
	// VisitID is the planned visit where the passport is handed over,
	// when the office named one.
	VisitID string
	At      time.Time
}

// SyncItem is one application version to send, with what goes with it.
type SyncItem struct {
	App           Application
	VersionStatus Status    // the status the version was made with (captured, incomplete, handed-over)
	VersionAt     time.Time // when the version was made
	Event         Event
	Officer       Officer            // who made the version
	Transitions   []Transition       // the application's history
	Officers      map[string]Officer // by id, for the transitions
}

// Limits are the sync discipline: past either, the kit warns at every
// command and refuses new intake until a sync or an export.
type Limits struct {
	MaxDays int // oldest approved application not yet at the office
	MaxApps int // approved applications not yet at the office
}

// DefaultLimits are MOSIP-like: a week, or five hundred applications.
var DefaultLimits = Limits{MaxDays: 7, MaxApps: 500}

// SyncState is where the kit stands with the office.
type SyncState struct {
	Enrolled  bool
	Office    Office
	Waiting   int       // approved, not held by the office, not exported
	Oldest    time.Time // approval time of the oldest of those
	Conflicts []Ack
	Limits    Limits
	Over      bool // past a limit: intake is refused
}

// SetOffice records the office this kit enrolled with (supervisors only).
func (s *Service) SetOffice(ctx context.Context, o Office) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		o.EnrolledAt = s.now()
		if err := tx.SetOffice(o); err != nil {
			return err
		}
		// The office learns nothing here, but from now on it can open this
		// kit (jemput-central kit recover) when its officers cannot.
		if err := s.sealRecovery(tx, o.SealingRecipient); err != nil {
			return err
		}
		return s.audit(tx, actor, "kit.enroll", "office", o.URL, "", map[string]string{"office": o.Name})
	})
}

// Office returns the office the kit is enrolled with.
func (s *Service) Office(ctx context.Context) (Office, error) {
	var o Office
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Office()
		return err
	})
	return o, err
}

// PendingSync lists the application versions the office has not yet said it
// holds: approved ones and handovers (supervisors only). It holds them all:
// for a small kit and tests; sync and export walk them with EachPending.
func (s *Service) PendingSync(ctx context.Context) ([]SyncItem, error) {
	var items []SyncItem
	err := s.EachPending(ctx, 0, func(page []SyncItem) error {
		items = append(items, page...)
		return nil
	})
	return items, err
}

// PendingStatuses are the statuses of the applications whose current
// version goes to the office: approved ones, then handovers.
var PendingStatuses = []Status{StatusApproved, StatusHandedOver}

// BackupStatuses are the statuses of the applications a sealed backup
// holds: captured but not approved (nor voided, nor sent).
var BackupStatuses = []Status{StatusCaptured, StatusIncomplete, StatusReturned}

// BackupItems lists the current version of every application captured but
// not approved, for a sealed backup at the office (supervisors only). It
// changes nothing: a backup approves nothing and sends nothing for good.
func (s *Service) BackupItems(ctx context.Context) ([]SyncItem, error) {
	var items []SyncItem
	err := s.EachBackupItem(ctx, 0, func(page []SyncItem) error {
		items = append(items, page...)
		return nil
	})
	return items, err
}

// syncItems makes the items of these applications: what goes with their
// current version (its event, officer and history).
func syncItems(tx Tx, apps []Application) ([]SyncItem, error) {
	items := make([]SyncItem, 0, len(apps))
	officers := map[string]Officer{}
	officer := func(id string) (Officer, error) {
		if o, ok := officers[id]; ok {
			return o, nil
		}
		o, err := tx.Officer(id)
		officers[id] = o
		return o, err
	}
	events := map[string]Event{}
	for _, a := range apps {
		var err error
		it := SyncItem{App: a, Officers: officers}
		ev, ok := events[a.EventID]
		if !ok {
			if ev, err = tx.Event(a.EventID); err != nil {
				return nil, err
			}
			events[a.EventID] = ev
		}
		it.Event = ev
		if it.Transitions, err = tx.Transitions(a.ID); err != nil {
			return nil, err
		}
		versions, err := tx.Versions(a.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range versions {
			if v.Version == a.Version {
				it.VersionStatus, it.VersionAt = v.Status, v.CreatedAt
				if it.Officer, err = officer(v.OfficerID); err != nil {
					return nil, err
				}
			}
		}
		for _, t := range it.Transitions {
			if _, err := officer(t.OfficerID); err != nil {
				return nil, err
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// RecordAcks stores the office's answers. A version the office holds moves
// an approved application to synced; a conflict is kept for the supervisor.
func (s *Service) RecordAcks(ctx context.Context, acks []Ack) error {
	if len(acks) == 0 {
		return nil
	}
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		now := s.now()
		held, conflicts := 0, 0
		for _, a := range acks {
			a.At = now
			if err := tx.PutAck(a); err != nil {
				return err
			}
			if a.Result == AckConflict {
				conflicts++
			}
			if !a.Held() {
				continue
			}
			held++
			app, err := tx.Application(a.AppID)
			if err != nil {
				return err
			}
			if app.Version != a.Version || app.Status != StatusApproved {
				continue // an older version, or a handover: the status stays
			}
			if err := s.move(tx, actor, &app, move{To: StatusSynced}); err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "sync.acks", "office", "", "", map[string]int{"acks": len(acks), "held": held, "conflicts": conflicts})
	})
}

// StatusCursor is the last office status the kit has.
func (s *Service) StatusCursor(ctx context.Context) (int64, error) {
	var n int64
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		n, err = tx.LastOfficeStatus()
		return err
	})
	return n, err
}

// ApplyStatuses stores what the office says about applications and moves
// them: accepted, rejected (with the reason), ready (with the pickup).
// Statuses the kit has already are skipped, so a repeat changes nothing.
func (s *Service) ApplyStatuses(ctx context.Context, list []OfficeStatus) (applied int, err error) {
	err = s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		last, err := tx.LastOfficeStatus()
		if err != nil {
			return err
		}
		for _, st := range list {
			if st.Seq <= last {
				continue
			}
			switch st.Status {
			case StatusAccepted, StatusRejected, StatusReady:
			default:
				return Errorf(CodeInvalid, "status kantor tidak dikenal: %q", "unknown office status %q", st.Status)
			}
			if err := tx.InsertOfficeStatus(st); err != nil {
				return err
			}
			last = st.Seq
			app, err := tx.Application(st.AppID)
			if IsCode(err, CodeNotFound) {
				continue // an application of another kit, or purged
			}
			if err != nil {
				return err
			}
			if app.Status == st.Status || !CanMove(app.Status, st.Status) {
				// Nothing to move (the history keeps one line per change),
				// or nothing the kit may still move (voided, handed over):
				// the status is kept all the same.
				continue
			}
			reason := st.Reason
			if st.Pickup != "" {
				reason = "pickup: " + st.Pickup
			}
			if err := s.move(tx, actor, &app, move{To: st.Status, Reason: reason, At: st.At}); err != nil {
				return err
			}
			applied++
		}
		if applied > 0 {
			return s.audit(tx, actor, "sync.statuses", "office", "", "", map[string]int{"applied": applied})
		}
		return nil
	})
	return applied, err
}

// OfficeStatuses lists what the office said about an application.
func (s *Service) OfficeStatuses(ctx context.Context, appID string) ([]OfficeStatus, []Ack, error) {
	var sts []OfficeStatus
	var acks []Ack
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if sts, err = tx.OfficeStatuses(appID); err != nil {
			return err
		}
		acks, err = tx.Acks(appID)
		return err
	})
	return sts, acks, err
}

// MarkExported records that these versions went into an export file.
func (s *Service) MarkExported(ctx context.Context, ids []string, file string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.MarkExported(id, file, s.now()); err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "sync.export", "file", file, "", map[string]int{"records": len(ids)})
	})
}

// SyncState says where the kit stands: enrolled or not, how much waits, how
// old, conflicts, and whether a limit is passed.
func (s *Service) SyncState(ctx context.Context) (SyncState, error) {
	var st SyncState
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		st, err = s.syncState(tx)
		return err
	})
	return st, err
}

func (s *Service) syncState(tx Tx) (SyncState, error) {
	st := SyncState{Limits: limits(tx)}
	o, err := tx.Office()
	switch {
	case err == nil:
		st.Enrolled, st.Office = true, o
	case !IsCode(err, CodeNotEnrolled):
		return st, err
	}
	if st.Waiting, st.Oldest, err = tx.Waiting(); err != nil {
		return st, err
	}
	if st.Conflicts, err = tx.Conflicts(); err != nil {
		return st, err
	}
	st.Over = s.over(st)
	return st, nil
}

// limits reads the sync discipline, the defaults where unset.
func limits(tx Tx) Limits {
	l := DefaultLimits
	if v, err := tx.Setting("sync.max_days"); err == nil {
		fmt.Sscan(v, &l.MaxDays)
	}
	if v, err := tx.Setting("sync.max_apps"); err == nil {
		fmt.Sscan(v, &l.MaxApps)
	}
	return l
}

// over reports whether what waits passes a limit.
func (s *Service) over(st SyncState) bool {
	return (st.Limits.MaxApps > 0 && st.Waiting >= st.Limits.MaxApps) ||
		(st.Limits.MaxDays > 0 && !st.Oldest.IsZero() && s.now().Sub(st.Oldest) > time.Duration(st.Limits.MaxDays)*24*time.Hour)
}

// SetLimits changes the sync discipline (supervisors only).
func (s *Service) SetLimits(ctx context.Context, l Limits) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if err := tx.SetSetting("sync.max_days", strconv.Itoa(l.MaxDays)); err != nil {
			return err
		}
		if err := tx.SetSetting("sync.max_apps", strconv.Itoa(l.MaxApps)); err != nil {
			return err
		}
		return s.audit(tx, actor, "kit.limits", "kit", "", "", l)
	})
}

// overLimit refuses new intake when the sync discipline is passed.
func (s *Service) overLimit(tx Tx) error {
	st := SyncState{Limits: limits(tx)}
	var err error
	if st.Waiting, st.Oldest, err = tx.Waiting(); err != nil {
		return err
	}
	if !s.over(st) {
		return nil
	}
	days := int(s.now().Sub(st.Oldest).Hours() / 24)
	return Errorf(CodeSyncOverdue, "kit belum dikirim ke kantor: %d permohonan disetujui menunggu, yang tertua %d hari; permohonan baru ditolak sampai dikirim",
		"the kit has not reached the office: %d approved applications waiting, the oldest %d days; new intake is refused until they are sent",
		st.Waiting, days)
}

// Handover records that the applicant collected the passport the office
// marked ready. It is a new version, so it reaches the office like any
// other.
func (s *Service) Handover(ctx context.Context, ref string) (Application, error) {
	var a Application
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
		if a, err = findApp(tx, ref); err != nil {
			return err
		}
		if a.Status != StatusReady {
			return Errorf(CodeNotReady, "%s berstatus %s: hanya paspor yang dinyatakan siap oleh kantor yang bisa diserahkan", "%s is %s: only a passport the office marked ready can be handed over", a.Ref(), a.Status)
		}
		return s.move(tx, actor, &a, move{To: StatusHandedOver, NewVersion: true, VersionReason: "handover", Audit: "app.handover", Detail: map[string]any{"number": a.Number}})
	})
	return a, err
}

// AuditToSend lists up to limit audit entries (0: 100,000) after the last
// one the office holds, oldest first (supervisors only).
func (s *Service) AuditToSend(ctx context.Context, limit int) ([]AuditEntry, error) {
	var list []AuditEntry
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		sent, err := auditSent(tx)
		if err != nil {
			return err
		}
		list, err = tx.AuditAfter(sent, auditLimit(limit))
		return err
	})
	return list, err
}

// AuditCursor is the seq of the last audit entry the office holds
// (supervisors only).
func (s *Service) AuditCursor(ctx context.Context) (int64, error) {
	var sent int64
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		var err error
		sent, err = auditSent(tx)
		return err
	})
	return sent, err
}

// AuditAfter lists up to limit audit entries (0: 100,000) after seq,
// oldest first (supervisors only): a page of what an export carries.
func (s *Service) AuditAfter(ctx context.Context, seq int64, limit int) ([]AuditEntry, error) {
	var list []AuditEntry
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		var err error
		list, err = tx.AuditAfter(seq, auditLimit(limit))
		return err
	})
	return list, err
}

func auditLimit(n int) int {
	if n <= 0 {
		return 100000
	}
	return n
}

func auditSent(tx Tx) (int64, error) {
	v, err := tx.Setting("sync.audit_sent")
	if IsCode(err, CodeNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	sent, _ := strconv.ParseInt(v, 10, 64)
	return sent, nil
}

// AuditSent records that the office holds the audit log up to seq.
func (s *Service) AuditSent(ctx context.Context, seq int64) error {
	return s.store.Update(ctx, func(tx Tx) error {
		return tx.SetSetting("sync.audit_sent", strconv.FormatInt(seq, 10))
	})
}

// MarkOffered records that these versions are about to be sent to the
// office (supervisors only).
func (s *Service) MarkOffered(ctx context.Context, ids []string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.MarkOffered(id, s.now()); err != nil {
				return err
			}
		}
		return nil
	})
}

// onItsWay refuses to change an approved application whose current
// version may already be at the office (sent without an answer yet, or in
// an export file): the office would go on with what it holds, and the kit
// and the office would disagree.
func onItsWay(tx Tx, a Application) error {
	if a.Status != StatusApproved {
		return nil
	}
	id := RecordID(a.ID, a.Version)
	exported, err := tx.Exported(id)
	if err != nil {
		return err
	}
	offered, err := tx.Offered(id)
	if err != nil {
		return err
	}
	if !exported && !offered {
		return nil
	}
	return Errorf(CodeOnItsWay, "%s mungkin sudah sampai di kantor (sudah dikirim atau diekspor) dan tidak bisa diubah di kit sekarang",
		"%s may already be at the office (sent or exported) and cannot be changed on the kit now", a.Ref())
}
