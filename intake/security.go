package intake

import (
	"context"
)

// AckedItem is a version the office said it holds, with the record the kit
// would send for it now: doctor recomputes its hash against the office's.
type AckedItem struct {
	Item SyncItem
	Ack  Ack
}

// Acknowledged lists every version the office holds, as the kit has it now
// (supervisors only: it reads every application).
func (s *Service) Acknowledged(ctx context.Context) ([]AckedItem, error) {
	var out []AckedItem
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		apps, err := tx.Applications(Filter{})
		if err != nil {
			return err
		}
		events := map[string]Event{}
		officers := map[string]Officer{}
		for _, a := range apps {
			acks, err := tx.Acks(a.ID)
			if err != nil {
				return err
			}
			if len(acks) == 0 || !a.PurgedAt.IsZero() {
				continue
			}
			versions, err := tx.Versions(a.ID)
			if err != nil {
				return err
			}
			for _, ack := range acks {
				if !ack.Held() {
					continue
				}
				for _, v := range versions {
					if v.Version != ack.Version {
						continue
					}
					ev, ok := events[a.EventID]
					if !ok {
						if ev, err = tx.Event(a.EventID); err != nil {
							return err
						}
						events[a.EventID] = ev
					}
					o, ok := officers[v.OfficerID]
					if !ok {
						if o, err = tx.Officer(v.OfficerID); err != nil {
							return err
						}
						officers[v.OfficerID] = o
					}
					va := a
					va.Version, va.Doc = v.Version, v.Doc
					out = append(out, AckedItem{Item: SyncItem{App: va, VersionStatus: v.Status, VersionAt: v.CreatedAt, Event: ev, Officer: o}, Ack: ack})
				}
			}
		}
		return nil
	})
	return out, err
}

// Tampered lists the officers whose rows do not match their seal under the
// supervisor key (supervisors only).
func (s *Service) Tampered(ctx context.Context) ([]Officer, error) {
	var bad []Officer
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		list, err := tx.Officers()
		if err != nil {
			return err
		}
		for _, o := range list {
			if err := tx.VerifyOfficer(o); IsCode(err, CodeTampered) {
				bad = append(bad, o)
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	return bad, err
}

// PurgeResult is what Purge removed.
type PurgeResult struct {
	Apps     []Application // numbers, statuses and hashes are kept
	Versions int
	Photos   int
	DryRun   bool
}

// purgeable reports whether the office has confirmed everything about a:
// it holds the current version, and nothing more will happen to it on the
// kit (handed over, or rejected by the office). An accepted or ready
// application still gets a handover version, made from its document.
func purgeable(tx Tx, a Application) (bool, error) {
	if !a.PurgedAt.IsZero() {
		return false, nil
	}
	switch a.Status {
	case StatusRejected, StatusHandedOver:
	default:
		return false, nil
	}
	ack, err := tx.Ack(RecordID(a.ID, a.Version))
	if IsCode(err, CodeNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return ack.Held(), nil
}

// Purge removes the applicant data (documents of every version, search
// data, photos, roster rows) of the applications whose current version the
// office holds, keeping their numbers, statuses, hashes, history and the
// audit chain (supervisors only; PRODUCT.md section 6).
func (s *Service) Purge(ctx context.Context, dryRun bool) (PurgeResult, error) {
	res := PurgeResult{DryRun: dryRun}
	run := s.store.Update
	if dryRun {
		run = s.store.View
	}
	err := run(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		apps, err := tx.Applications(Filter{})
		if err != nil {
			return err
		}
		now := s.now()
		for _, a := range apps {
			ok, err := purgeable(tx, a)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			res.Apps = append(res.Apps, a)
			if dryRun {
				continue
			}
			nv, np, err := tx.PurgeApplication(a.ID, now)
			if err != nil {
				return err
			}
			res.Versions += nv
			res.Photos += np
		}
		if dryRun || len(res.Apps) == 0 {
			return nil
		}
		numbers := make([]string, len(res.Apps))
		for i, a := range res.Apps {
			numbers[i] = a.Number
		}
		return s.audit(tx, actor, "kit.purge", "kit", "", "", map[string]any{"applications": numbers, "versions": res.Versions, "photos": res.Photos})
	})
	return res, err
}
