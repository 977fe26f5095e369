package intake

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/vault"
)

// SessionTTL is how long a login lasts by default: one working day.
const SessionTTL = 10 * time.Hour

// Service runs the kit's use cases, one transaction each.
type Service struct {
	store  Store
	now    func() time.Time
	newID  func() string
	tables *forms.Tables   // nil: the tables embedded in the binary
	forms  *forms.Registry // the forms it takes applicants on
	ttl    time.Duration   // how long a login lasts
	params vault.Params    // argon2id parameters of new key slots
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read the time from now (tests, training).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDs makes the service take new ids from newID (tests).
func WithIDs(newID func() string) Option { return func(s *Service) { s.newID = newID } }

// WithTables makes the checks use an office's own tables (fees, region
// codes, countries, titles) instead of the embedded ones, so that a fee
// change needs no new release.
func WithTables(t *forms.Tables) Option { return func(s *Service) { s.tables = t } }

// WithForms makes the service take applicants on the forms of r instead of
// the embedded ones (a form not built into the binary; tests).
func WithForms(r *forms.Registry) Option { return func(s *Service) { s.forms = r } }

// WithSessionTTL makes logins last d instead of SessionTTL.
func WithSessionTTL(d time.Duration) Option { return func(s *Service) { s.ttl = d } }

// WithSlotParams makes new key slots use p (tests use cheap parameters).
func WithSlotParams(p vault.Params) Option { return func(s *Service) { s.params = p } }

// NewService returns a Service over store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, now: time.Now, newID: func() string { return uuid.NewString() }, forms: forms.Embedded(), ttl: SessionTTL, params: vault.DefaultParams}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Forms is the registry of the forms the service takes applicants on.
func (s *Service) Forms() *forms.Registry { return s.forms }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// actor returns the logged-in officer, checking the session and the role.
// Any role may do what an officer may; supervisors may do everything.
func (s *Service) actor(tx Tx, need Role) (Officer, error) {
	id, since, until, err := tx.Session()
	if IsCode(err, CodeNotFound) || (err == nil && id == "") {
		return Officer{}, Errorf(CodeNotLoggedIn, "belum masuk", "not logged in")
	}
	if err != nil {
		return Officer{}, err
	}
	if since.After(s.now().Add(time.Minute)) {
		// A session from the future was made under a wrong clock: it
		// would never expire.
		return Officer{}, Errorf(CodeSessionExpired, "sesi tidak sah (jam laptop berubah?)", "the session is not valid (did the laptop's clock change?)")
	}
	if !s.now().Before(until) {
		return Officer{}, Errorf(CodeSessionExpired, "sesi berakhir pukul %s", "the session ended at %s", until.Format("2006-01-02 15:04"))
	}
	o, err := tx.Officer(id)
	if err != nil {
		return Officer{}, err
	}
	if !o.DisabledAt.IsZero() {
		return Officer{}, Errorf(CodeForbidden, "akun %s dinonaktifkan", "account %s is disabled", o.NIP)
	}
	if need == RoleSupervisor {
		if o.Role != RoleSupervisor {
			return Officer{}, Errorf(CodeForbidden, "hanya pengawas yang boleh melakukan ini (%s masuk sebagai petugas)", "only a supervisor may do this (%s is logged in as an officer)", o.Name)
		}
		// The role column alone proves nothing: the row must carry the
		// seal that only the supervisor key makes, and this session must
		// hold that key.
		if err := tx.VerifyOfficer(o); err != nil {
			return Officer{}, err
		}
	}
	return o, nil
}

// audit appends an entry stamped with the service clock.
func (s *Service) audit(tx Tx, actor Officer, action, entity, entityID, reason string, detail any) error {
	d := ""
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		d = string(b)
	}
	return tx.Audit(AuditEntry{At: s.now(), OfficerID: actor.ID, Action: action, Entity: entity, EntityID: entityID, Reason: reason, Detail: d})
}

// Authorize returns the officer logged in if they have the role, so that a
// command can refuse before asking for anything.
func (s *Service) Authorize(ctx context.Context, role Role) (Officer, error) {
	var o Officer
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		o, err = s.actor(tx, role)
		return err
	})
	return o, err
}

// Whoami returns the officer logged in.
func (s *Service) Whoami(ctx context.Context) (Officer, error) {
	var o Officer
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		o, err = s.actor(tx, RoleOfficer)
		return err
	})
	return o, err
}

// Kit returns the kit's identity.
func (s *Service) Kit(ctx context.Context) (Kit, error) {
	var k Kit
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		k, err = tx.Kit()
		return err
	})
	return k, err
}
