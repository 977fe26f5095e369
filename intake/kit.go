package intake

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/kitcode"
	"github.com/jemput/jemput/vault"
)

// InitKit is what `jemput init` asks for.
type InitKit struct {
	Code           string
	Office         string
	SupervisorNIP  string
	SupervisorName string
	PIN            string
	PublicKey      []byte
	DeviceSeed     []byte // the device key's private seed, sealed in the kit
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
// in. It refuses a kit that exists already. The kit's secret (data key and
// supervisor key) is made here, wrapped in the supervisor's slot, and the
// device key is sealed under it.
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
	secret, err := vault.NewSecret()
	if err != nil {
		return Kit{}, Officer{}, err
	}
	slot, err := vault.WrapPIN(secret, in.PIN, s.params)
	if err != nil {
		return Kit{}, Officer{}, err
	}
	kit := Kit{ID: s.newID(), Code: in.Code, Office: in.Office, PublicKey: in.PublicKey, Zone: strings.TrimSpace(in.Zone), CreatedAt: s.now(), Encrypted: true}
	err = s.store.Update(ctx, func(tx Tx) error {
		if k, err := tx.Kit(); err == nil {
			return Errorf(CodeKitExists, "kit %s sudah dibuat di folder ini", "kit %s already exists in this folder", k.Code)
		} else if !IsCode(err, CodeNotInit) {
			return err
		}
		if err := tx.CreateKit(kit, secret); err != nil {
			return err
		}
		if len(in.DeviceSeed) > 0 {
			if err := tx.SetDeviceKey(in.DeviceSeed); err != nil {
				return err
			}
		}
		if err := tx.InsertOfficer(o); err != nil {
			return err
		}
		if err := tx.PutKeySlot(o.ID, slot, s.now()); err != nil {
			return err
		}
		if err := tx.SetSession(o.ID, s.now(), s.now().Add(s.ttl)); err != nil {
			return err
		}
		return s.audit(tx, o, "kit.init", "kit", kit.Code, "", map[string]string{"office": kit.Office, "supervisor": o.NIP})
	})
	if err != nil {
		return Kit{}, Officer{}, err
	}
	return kit, o, nil
}

// checkNewOfficer validates a new officer. prefix names the fields as the
// command line calls them. The PIN is not kept: it wraps the officer's key
// slot, which is what a login opens.
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
	if err := CheckPINFormat(in.PIN); err != nil {
		issues = append(issues, fieldError("pin", err))
	}
	return Officer{ID: s.newID(), NIP: nip, Name: name, Role: in.Role, CreatedAt: s.now()}, issues
}

// slotSecret is what an officer's slot holds: the data key, and the
// supervisor key for a supervisor.
func slotSecret(all vault.Secret, role Role) vault.Secret {
	if role == RoleSupervisor {
		return all
	}
	return all.Officer()
}

// AddOfficer registers an officer or supervisor (supervisors only): a new
// key slot wrapped under the officer's PIN, from the supervisor's unlock.
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
		secret, err := tx.Secret()
		if err != nil {
			return err
		}
		slot, err := vault.WrapPIN(slotSecret(secret, o.Role), in.PIN, s.params)
		if err != nil {
			return err
		}
		if err := tx.InsertOfficer(o); err != nil {
			return err
		}
		if err := tx.PutKeySlot(o.ID, slot, s.now()); err != nil {
			return err
		}
		return s.audit(tx, actor, "officer.add", "officer", o.ID, "", map[string]string{"nip": o.NIP, "role": string(o.Role)})
	})
	return o, err
}

// DisableOfficer stops an officer from logging in: their key slot is
// removed (supervisors only; a supervisor cannot disable themselves).
func (s *Service) DisableOfficer(ctx context.Context, nip string) (Officer, error) {
	var o Officer
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if o, err = tx.OfficerByNIP(strings.TrimSpace(nip)); err != nil {
			return err
		}
		if o.ID == actor.ID {
			return Errorf(CodeConflict, "pengawas tidak bisa menonaktifkan dirinya sendiri", "a supervisor cannot disable themselves")
		}
		if !o.DisabledAt.IsZero() {
			return Errorf(CodeConflict, "%s sudah nonaktif", "%s is disabled already", o.Name)
		}
		if err := tx.VerifyOfficer(o); err != nil {
			return err
		}
		if err := tx.DisableOfficer(o.ID, s.now()); err != nil {
			return err
		}
		return s.audit(tx, actor, "officer.disable", "officer", o.ID, "", map[string]string{"nip": o.NIP})
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

// Unlock opens the kit with a secret the command line kept from a login
// (the session file) and makes its officer the one logged in.
func (s *Service) Unlock(ctx context.Context, secret vault.Secret, officerID string, since, until time.Time) error {
	return s.store.View(ctx, func(tx Tx) error {
		if err := tx.Unlock(secret); err != nil {
			return err
		}
		return tx.SetSession(officerID, since, until)
	})
}

// Session is what a login left: the secret and who, until when.
type Session struct {
	Kit          Kit
	Officer      Officer
	Secret       vault.Secret
	Since, Until time.Time
}

// locked reports whether n wrong PINs, the last at last, lock the account
// now. A lock from the future was set under a wrong clock and would lock
// the account for good: it does not count.
func locked(n int, last, now time.Time) (bool, time.Time) {
	until := last.Add(LockFor)
	return n > 0 && n%MaxFailedPIN == 0 && now.Before(until) && !last.After(now.Add(time.Minute)), until
}

// Login checks NIP and PIN by opening the officer's key slot, unlocks the
// kit and starts a session. Wrong PINs are counted from the audit log; the
// fifth in a row locks the account for LockFor. A kit made before
// encryption is converted at its first supervisor's login.
func (s *Service) Login(ctx context.Context, nip, pin string) (Session, error) {
	var sess Session
	var refused error
	err := s.store.Update(ctx, func(tx Tx) error {
		kit, err := tx.Kit()
		if err != nil {
			return err
		}
		o, err := tx.OfficerByNIP(strings.TrimSpace(nip))
		if IsCode(err, CodeNotFound) {
			// Take as long as a wrong PIN does, so that timing does not
			// tell which NIPs exist.
			vault.DummyUnwrap(pin)
			refused = Errorf(CodeUnauthorized, "NIP atau PIN salah", "wrong NIP or PIN")
			return s.audit(tx, Officer{}, "login.unknown", "officer", "", "", map[string]string{"nip": strings.TrimSpace(nip)})
		}
		if err != nil {
			return err
		}
		now := s.now()
		n, last, err := tx.FailedLogins(o.ID)
		if err != nil {
			return err
		}
		if isLocked, until := locked(n, last, now); isLocked {
			refused = Errorf(CodeLocked, "akun %s terkunci sampai %s setelah %d PIN salah", "account %s is locked until %s after %d wrong PINs",
				o.NIP, lockTime(kit.Location(), now, until), MaxFailedPIN)
			return s.audit(tx, o, "login.locked", "officer", o.ID, "", nil)
		}
		var secret vault.Secret
		var opened bool
		if !kit.Encrypted {
			secret, opened, refused, err = s.convertAtLogin(tx, kit, o, pin)
			if err != nil || refused != nil {
				return err
			}
		} else if !o.DisabledAt.IsZero() {
			vault.DummyUnwrap(pin)
			refused = Errorf(CodeForbidden, "akun %s dinonaktifkan", "account %s is disabled", o.NIP)
			return s.audit(tx, o, "login.no_slot", "officer", o.ID, "", nil)
		} else {
			slot, err := tx.KeySlot(o.ID)
			if IsCode(err, CodeNotFound) {
				vault.DummyUnwrap(pin)
				refused = Errorf(CodeNoKeySlot, "%s belum punya kunci di kit ini", "%s has no key on this kit", o.NIP)
				return s.audit(tx, o, "login.no_slot", "officer", o.ID, "", nil)
			}
			if err != nil {
				return err
			}
			secret, err = vault.UnwrapPIN(slot, pin)
			opened = err == nil
			if err != nil && !errors.Is(err, vault.ErrWrongPIN) {
				return Errorf(CodeTampered, "slot kunci %s rusak", "%s's key slot is damaged", o.NIP)
			}
		}
		if !opened {
			n++
			if isLocked, until := locked(n, now, now); isLocked {
				refused = Errorf(CodeLocked, "PIN salah %d kali: akun %s terkunci sampai %s", "%d wrong PINs: account %s is locked until %s",
					MaxFailedPIN, o.NIP, lockTime(kit.Location(), now, until))
				tx.UpdateOfficerAuth(o.ID, 0, until)
			} else {
				refused = Errorf(CodeUnauthorized, "NIP atau PIN salah (sisa %d percobaan)", "wrong NIP or PIN (%d tries left)", MaxFailedPIN-n%MaxFailedPIN)
				tx.UpdateOfficerAuth(o.ID, n%MaxFailedPIN, time.Time{})
			}
			return s.audit(tx, o, "login.failed", "officer", o.ID, "", map[string]any{"failed": n % MaxFailedPIN, "locked": IsCode(refused, CodeLocked)})
		}
		if kit.Encrypted {
			if err := tx.Unlock(secret); err != nil {
				return err
			}
		}
		if err := tx.UpdateOfficerAuth(o.ID, 0, time.Time{}); err != nil {
			return err
		}
		sess = Session{Kit: kit, Officer: o, Secret: secret, Since: now, Until: now.Add(s.ttl)}
		if err := tx.SetSession(o.ID, sess.Since, sess.Until); err != nil {
			return err
		}
		return s.audit(tx, o, "login", "officer", o.ID, "", nil)
	})
	if err != nil {
		return Session{}, err
	}
	if refused != nil {
		return Session{}, refused
	}
	if k, err := s.Kit(ctx); err == nil {
		sess.Kit = k
	}
	return sess, nil
}

// convertAtLogin checks a PIN against a kit made before encryption (its
// argon2id hashes) and, for a supervisor, converts the kit in this
// transaction: a new secret, every applicant record sealed, the
// supervisor's slot. Other officers get a slot when a supervisor gives them
// a new PIN: their old hashes are dropped, since they only help an
// offline search.
func (s *Service) convertAtLogin(tx Tx, kit Kit, o Officer, pin string) (vault.Secret, bool, error, error) {
	if !VerifyPIN(o.PINHash, pin) {
		return vault.Secret{}, false, nil, nil
	}
	if o.Role != RoleSupervisor {
		return vault.Secret{}, false, Errorf(CodeLegacyKit, "kit ini dibuat sebelum enkripsi: pengawas harus masuk dulu untuk mengenkripsinya",
			"this kit was made before encryption: a supervisor must log in first to encrypt it"), nil
	}
	secret, err := vault.NewSecret()
	if err != nil {
		return secret, false, nil, err
	}
	id := kit.ID
	if id == "" {
		id = s.newID()
	}
	if err := tx.ConvertLegacy(id, secret); err != nil {
		return secret, false, nil, err
	}
	slot, err := vault.WrapPIN(secret, pin, s.params)
	if err != nil {
		return secret, false, nil, err
	}
	if err := tx.PutKeySlot(o.ID, slot, s.now()); err != nil {
		return secret, false, nil, err
	}
	officers, err := tx.Officers()
	if err != nil {
		return secret, false, nil, err
	}
	for _, other := range officers {
		if err := tx.UpdateOfficerPIN(other.ID, ""); err != nil {
			return secret, false, nil, err
		}
	}
	if err := s.audit(tx, o, "kit.encrypt", "kit", kit.Code, "", map[string]int{"officers_without_slot": len(officers) - 1}); err != nil {
		return secret, false, nil, err
	}
	return secret, true, nil, nil
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context) (Officer, error) {
	var o Officer
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if o, err = s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		if err := s.audit(tx, o, "logout", "officer", o.ID, "", nil); err != nil {
			return err
		}
		return tx.ClearSession()
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
func (s *Service) UnlockOfficer(ctx context.Context, nip string) (Officer, error) {
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
// (supervisors only; the officer types the new PIN): the officer's slot is
// wrapped again under it.
func (s *Service) ResetPIN(ctx context.Context, nip, pin string) (Officer, error) {
	if err := CheckPINFormat(pin); err != nil {
		return Officer{}, invalid([]forms.Issue{fieldError("pin", err)})
	}
	var o Officer
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if o, err = tx.OfficerByNIP(strings.TrimSpace(nip)); err != nil {
			return err
		}
		if !o.DisabledAt.IsZero() {
			return Errorf(CodeConflict, "%s dinonaktifkan", "%s is disabled", o.Name)
		}
		if err := tx.VerifyOfficer(o); err != nil {
			return err
		}
		secret, err := tx.Secret()
		if err != nil {
			return err
		}
		slot, err := vault.WrapPIN(slotSecret(secret, o.Role), pin, s.params)
		if err != nil {
			return err
		}
		if err := tx.PutKeySlot(o.ID, slot, s.now()); err != nil {
			return err
		}
		if err := tx.UpdateOfficerPIN(o.ID, ""); err != nil {
			return err
		}
		return s.audit(tx, actor, "officer.reset_pin", "officer", o.ID, "", map[string]string{"nip": o.NIP})
	})
	return o, err
}

// SetRecovery seals the kit's whole secret to the office's age recipient,
// so that the office can open the kit when its officers cannot
// (supervisors only; done at enrollment).
func (s *Service) SetRecovery(ctx context.Context, recipient string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if err := s.sealRecovery(tx, recipient); err != nil {
			return err
		}
		return s.audit(tx, actor, "kit.recovery", "kit", "", "", map[string]string{"recipient": recipient})
	})
}

func (s *Service) sealRecovery(tx Tx, recipient string) error {
	secret, err := tx.Secret()
	if err != nil {
		return err
	}
	slot, err := vault.WrapRecipient(secret, recipient)
	if err != nil {
		return Errorf(CodeInvalid, "kunci kantor tidak sah: %v", "the office's key is not valid: %v", err)
	}
	return tx.SetRecovery(slot)
}

// DeviceKey opens the device key's seed (any logged-in officer: receipts
// and sync sign with it).
func (s *Service) DeviceKey(ctx context.Context) ([]byte, error) {
	var seed []byte
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		seed, err = tx.DeviceKey()
		return err
	})
	return seed, err
}

// AdoptDeviceKey seals a device key kept in a file by a kit made before
// encryption (supervisors only; at conversion).
func (s *Service) AdoptDeviceKey(ctx context.Context, seed []byte) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if err := tx.SetDeviceKey(seed); err != nil {
			return err
		}
		return s.audit(tx, actor, "kit.device_key", "kit", "", "", nil)
	})
}

// KeySlots lists which officers have a key slot, with its parameters.
func (s *Service) KeySlots(ctx context.Context) (map[string]vault.Params, error) {
	var m map[string]vault.Params
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		m, err = tx.KeySlots()
		return err
	})
	return m, err
}

// Secret returns the unlocked secret (init keeps it as its session).
func (s *Service) Secret(ctx context.Context) (vault.Secret, error) {
	var secret vault.Secret
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		secret, err = tx.Secret()
		return err
	})
	return secret, err
}
