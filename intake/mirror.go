package intake

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Mirror is a folder that receives a copy of the kit after every committed
// change (a USB stick, a second laptop's shared folder).
type Mirror struct {
	Path    string
	AddedAt time.Time
	AddedBy string // officer id
}

// AddMirror records a mirror folder (supervisors only). The caller has
// made its first copy there.
func (s *Service) AddMirror(ctx context.Context, path string) (Mirror, error) {
	m := Mirror{Path: path}
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		list, err := tx.Mirrors()
		if err != nil {
			return err
		}
		for _, o := range list {
			if o.Path == path {
				return Errorf(CodeConflict, "%s sudah menjadi cermin kit ini", "%s is already a mirror of this kit", path)
			}
		}
		m.AddedAt, m.AddedBy = s.now(), actor.ID
		if err := tx.AddMirror(m); err != nil {
			return err
		}
		return s.audit(tx, actor, "mirror.add", "mirror", path, "", nil)
	})
	return m, err
}

// Mirrors lists the kit's mirror folders. Anyone may ask: every command
// says when a mirror is missing or behind, logged in or not.
func (s *Service) Mirrors(ctx context.Context) ([]Mirror, error) {
	var list []Mirror
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		list, err = tx.Mirrors()
		return err
	})
	return list, err
}

// RestoreMargin is how far beyond the mirror's last number the sequence
// of each day a restored kit may share with the lost laptop resumes. The
// mirror is written before every command reports success, so a laptop
// with its mirror in place can have given at most the numbers of the
// commands running when it was lost (one each); a laptop whose mirror was
// pulled out warned at every command but went on capturing. A thousand is
// more than any kit takes in one day (an event's quota is a few hundred),
// so no number the lost laptop printed can come again.
const RestoreMargin = 1000

// MaxRestoreDays bounds the days raised: from the mirror's last entry to
// today. A restore from a mirror older than that raises only the last
// MaxRestoreDays days up to today.
const MaxRestoreDays = 31

// Restored is what FinishRestore did.
type Restored struct {
	Margin    int
	Days      []RaisedDay
	OldDevice string // fingerprints of the device keys, before and after
	NewDevice string
}

// RaisedDay is one day's number sequence raised by the margin.
type RaisedDay struct {
	Day           string // 2006-01-02
	Before, After int
}

// FinishRestore makes a kit restored from a mirror safe to go on with
// (supervisors, or the office acting as one): the number sequence of every
// day from the mirror's last entry to today resumes RestoreMargin beyond
// where the mirror left it, the kit gets a new device key (the lost laptop
// keeps the old one: the office tells the two apart and a new enrollment
// replaces it), and the audit log records both, in one transaction.
func (s *Service) FinishRestore(ctx context.Context, from string, lastEntry time.Time) (Restored, error) {
	out := Restored{Margin: RestoreMargin}
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		kit, err := tx.Kit()
		if err != nil {
			return err
		}
		// The numbers' days are the kit's, whatever the laptop's zone.
		now := s.now().In(kit.Location())
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		day := today
		if !lastEntry.IsZero() {
			l := lastEntry.In(now.Location())
			day = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, now.Location())
		}
		if day.After(today) {
			day = today // the mirror's clock was ahead: raise today too
		}
		if earliest := today.AddDate(0, 0, -(MaxRestoreDays - 1)); day.Before(earliest) {
			day = earliest
		}
		for ; !day.After(today); day = day.AddDate(0, 0, 1) {
			d := day.Format("2006-01-02")
			before, after, err := tx.RaiseSequence("number:"+d, RestoreMargin)
			if err != nil {
				return err
			}
			out.Days = append(out.Days, RaisedDay{Day: d, Before: before, After: after})
		}
		if old, err := tx.DeviceKey(); err == nil {
			out.OldDevice = fingerprint(ed25519.NewKeyFromSeed(old).Public().(ed25519.PublicKey))
		}
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		if err := tx.SetDeviceKey(seed); err != nil {
			return err
		}
		out.NewDevice = fingerprint(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
		return s.audit(tx, actor, "kit.restored", "kit", "", "", map[string]any{
			"from": from, "margin": RestoreMargin, "days": out.Days, "mirror_last_entry": lastEntry,
			"old_device": out.OldDevice, "new_device": out.NewDevice})
	})
	return out, err
}

// fingerprint names a device key as sync.Fingerprint does (the first 16
// bytes of its SHA-256, in hex).
func fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:16])
}
