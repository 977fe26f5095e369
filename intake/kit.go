package intake

import (
	"context"
	"strings"
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/kitcode"
)

// InitKit is what `jemput init` asks for.
type InitKit struct {
	Code           string
	Office         string
	SupervisorNIP  string
	SupervisorName string
	PIN            string
	PublicKey      []byte
	Zone           string // IANA name; "" = DefaultZone
}

// NewOfficer is what `jemput officer add` asks for.
type NewOfficer struct {
	NIP  string
	Name string
	Role Role
	PIN  string
}

// InitKit creates the kit and its first supervisor, and logs the supervisor
// in. It refuses a kit that exists already.
func (s *Service) InitKit(ctx context.Context, in InitKit) (Kit, Officer, error) {
	in.Code = strings.TrimSpace(in.Code)
	in.Office = strings.TrimSpace(in.Office)
	var issues []forms.Issue
	if !kitcode.Valid(in.Code) {
		issues = append(issues, issue("kit_code", "invalid_kit_code",
			"kode kit harus 3–8 huruf besar dan angka, diawali huruf, tanpa I, O, S, U, Z (misalnya KTB01)",
			"the kit code must be 3–8 capital letters and digits, starting with a letter, without I, O, S, U, Z (for example KTB01)"))
	}
	if in.Office == "" {
		issues = append(issues, issue("office", "required", "nama kantor wajib diisi", "the office name is required"))
	}
	if in.Zone == "" {
		in.Zone = DefaultZone
	}
	if _, err := LoadZone(in.Zone); err != nil {
		issues = append(issues, fieldError("zone", err))
	}
	o, more := s.checkNewOfficer(NewOfficer{NIP: in.SupervisorNIP, Name: in.SupervisorName, Role: RoleSupervisor, PIN: in.PIN}, "supervisor_")
	issues = append(issues, more...)
	if len(issues) > 0 {
		return Kit{}, Officer{}, invalid(issues)
	}
	kit := Kit{Code: in.Code, Office: in.Office, PublicKey: in.PublicKey, Zone: strings.TrimSpace(in.Zone), CreatedAt: s.now()}
	err := s.store.Update(ctx, func(tx Tx) error {
		if k, err := tx.Kit(); err == nil {
			return Errorf(CodeKitExists, "kit %s sudah dibuat di folder ini", "kit %s already exists in this folder", k.Code)
		} else if !IsCode(err, CodeNotInit) {
			return err
		}
		if err := tx.CreateKit(kit); err != nil {
			return err
		}
		if err := tx.InsertOfficer(o); err != nil {
			return err
		}
		if err := tx.SetSession(o.ID, s.now()); err != nil {
			return err
		}
		return s.audit(tx, o, "kit.init", "kit", kit.Code, "", map[string]string{"office": kit.Office, "supervisor": o.NIP})
	})
	if err != nil {
		return Kit{}, Officer{}, err
	}
	return kit, o, nil
}

// checkNewOfficer validates a new officer and hashes the PIN. prefix names
// the fields as the command line calls them.
func (s *Service) checkNewOfficer(in NewOfficer, prefix string) (Officer, []forms.Issue) {
	var issues []forms.Issue
	nip := strings.TrimSpace(in.NIP)
	if _, err := forms.ParseNIP(nip); err != nil {
		issues = append(issues, fieldError(prefix+"nip", err))
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	if name == "" {
		issues = append(issues, issue(prefix+"name", "required", "nama wajib diisi", "the name is required"))
	}
	if in.Role != RoleOfficer && in.Role != RoleSupervisor {
		issues = append(issues, issue("role", "invalid_role", "peran harus officer atau supervisor", "the role must be officer or supervisor"))
	}
	var hash string
	if err := CheckPINFormat(in.PIN); err != nil {
		issues = append(issues, fieldError("pin", err))
	} else {
		var herr error
		if hash, herr = HashPIN(in.PIN); herr != nil {
			issues = append(issues, fieldError("pin", herr))
		}
	}
	return Officer{ID: s.newID(), NIP: nip, Name: name, Role: in.Role, PINHash: hash, CreatedAt: s.now()}, issues
}

// AddOfficer registers an officer or supervisor (supervisors only).
func (s *Service) AddOfficer(ctx context.Context, in NewOfficer) (Officer, error) {
	o, issues := s.checkNewOfficer(in, "")
	if len(issues) > 0 {
		return Officer{}, invalid(issues)
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if other, err := tx.OfficerByNIP(o.NIP); err == nil {
			return Errorf(CodeConflict, "NIP %s sudah terdaftar atas nama %s", "NIP %s is already registered to %s", o.NIP, other.Name)
		} else if !IsCode(err, CodeNotFound) {
			return err
		}
		if err := tx.InsertOfficer(o); err != nil {
			return err
		}
		return s.audit(tx, actor, "officer.add", "officer", o.ID, "", map[string]string{"nip": o.NIP, "role": string(o.Role)})
	})
	return o, err
}

// Officers lists the kit's officers (any logged-in officer may look).
func (s *Service) Officers(ctx context.Context) ([]Officer, error) {
	var list []Officer
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		list, err = tx.Officers()
		return err
	})
	return list, err
}

// Login checks NIP and PIN and starts a session. Wrong PINs are counted in
// the database; the fifth in a row locks the account for LockFor.
func (s *Service) Login(ctx context.Context, nip, pin string) (Officer, error) {
	var o Officer
	var refused error
	err := s.store.Update(ctx, func(tx Tx) error {
		kit, err := tx.Kit()
		if err != nil {
			return err
		}
		o, err = tx.OfficerByNIP(strings.TrimSpace(nip))
		if IsCode(err, CodeNotFound) {
			// Take as long as a wrong PIN does, so that timing does not
			// tell which NIPs exist.
			VerifyPIN(dummyHash, pin)
			refused = Errorf(CodeUnauthorized, "NIP atau PIN salah", "wrong NIP or PIN")
			return s.audit(tx, Officer{}, "login.unknown", "officer", "", "", map[string]string{"nip": strings.TrimSpace(nip)})
		}
		if err != nil {
			return err
		}
		now := s.now()
		// A lock can never end later than LockFor from now; one that does
		// was set under a wrong clock, and would lock the account for good.
		if now.Before(o.LockedUntil) && !o.LockedUntil.After(now.Add(LockFor)) {
			refused = Errorf(CodeLocked, "akun %s terkunci sampai %s setelah %d PIN salah", "account %s is locked until %s after %d wrong PINs",
				o.NIP, lockTime(kit.Location(), now, o.LockedUntil), MaxFailedPIN)
			return s.audit(tx, o, "login.locked", "officer", o.ID, "", nil)
		}
		if !VerifyPIN(o.PINHash, pin) {
			failed, until := o.FailedPINs+1, time.Time{}
			if failed >= MaxFailedPIN {
				failed, until = 0, now.Add(LockFor)
				refused = Errorf(CodeLocked, "PIN salah %d kali: akun %s terkunci sampai %s", "%d wrong PINs: account %s is locked until %s",
					MaxFailedPIN, o.NIP, lockTime(kit.Location(), now, until))
			} else {
				refused = Errorf(CodeUnauthorized, "NIP atau PIN salah (sisa %d percobaan)", "wrong NIP or PIN (%d tries left)", MaxFailedPIN-failed)
			}
			if err := tx.UpdateOfficerAuth(o.ID, failed, until); err != nil {
				return err
			}
			return s.audit(tx, o, "login.failed", "officer", o.ID, "", map[string]any{"failed": failed, "locked": !until.IsZero()})
		}
		if err := tx.UpdateOfficerAuth(o.ID, 0, time.Time{}); err != nil {
			return err
		}
		if err := tx.SetSession(o.ID, now); err != nil {
			return err
		}
		return s.audit(tx, o, "login", "officer", o.ID, "", nil)
	})
	if err != nil {
		return Officer{}, err
	}
	if refused != nil {
		return Officer{}, refused
	}
	return o, nil
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context) (Officer, error) {
	var o Officer
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if o, err = s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		if err := tx.ClearSession(); err != nil {
			return err
		}
		return s.audit(tx, o, "logout", "officer", o.ID, "", nil)
	})
	return o, err
}

// lockTime shows when a lock ends, in the kit's zone: the time, and the
// date too when it is not today.
func lockTime(loc *time.Location, now, until time.Time) string {
	now, until = now.In(loc), until.In(loc)
	if until.Format(time.DateOnly) == now.Format(time.DateOnly) {
		return until.Format("15:04")
	}
	return until.Format("2006-01-02 15:04")
}

// Unlock lifts an officer's PIN lock and clears the count of wrong PINs
// (supervisors only).
func (s *Service) Unlock(ctx context.Context, nip string) (Officer, error) {
	var o Officer
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if o, err = tx.OfficerByNIP(strings.TrimSpace(nip)); err != nil {
			return err
		}
		if err := tx.UpdateOfficerAuth(o.ID, 0, time.Time{}); err != nil {
			return err
		}
		return s.audit(tx, actor, "officer.unlock", "officer", o.ID, "", map[string]string{"nip": o.NIP})
	})
	return o, err
}

// ResetPIN gives an officer a new PIN, which also lifts a lock
// (supervisors only; the officer types the new PIN).
func (s *Service) ResetPIN(ctx context.Context, nip, pin string) (Officer, error) {
	if err := CheckPINFormat(pin); err != nil {
		return Officer{}, invalid([]forms.Issue{fieldError("pin", err)})
	}
	hash, err := HashPIN(pin)
	if err != nil {
		return Officer{}, err
	}
	var o Officer
	err = s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if o, err = tx.OfficerByNIP(strings.TrimSpace(nip)); err != nil {
			return err
		}
		if err := tx.UpdateOfficerPIN(o.ID, hash); err != nil {
			return err
		}
		return s.audit(tx, actor, "officer.reset_pin", "officer", o.ID, "", map[string]string{"nip": o.NIP})
	})
	return o, err
}
