package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Session is what `jemput login` leaves in the user's runtime folder: the
// unwrapped secret, whose kit and kit home it belongs to, who logged in
// and until when. It never lives in the kit home, so a copy of the home
// taken during a session opens nothing.
type Session struct {
	Kit     string    `json:"kit"`  // the kit's random id
	Home    string    `json:"home"` // the kit home's absolute path
	Officer string    `json:"officer"`
	Since   time.Time `json:"since"`
	Until   time.Time `json:"until"`
	Secret  Secret    `json:"-"`
}

type sessionFile struct {
	Session
	Data       []byte `json:"data"`
	Supervisor []byte `json:"supervisor,omitempty"`
	MAC        string `json:"mac"`
}

func (s Session) mac(k *Keys) string {
	return k.MAC("session", s.Kit, s.Home, s.Officer, s.Since.UTC().Format(time.RFC3339Nano), s.Until.UTC().Format(time.RFC3339Nano))
}

// MarshalSession writes s with a MAC under its own data key.
func MarshalSession(s Session) ([]byte, error) {
	k, err := Derive(s.Secret)
	if err != nil {
		return nil, err
	}
	return json.Marshal(sessionFile{Session: s, Data: s.Secret.Data, Supervisor: s.Secret.Supervisor, MAC: s.mac(k)})
}

// UnmarshalSession reads what MarshalSession wrote, checking its MAC.
func UnmarshalSession(b []byte) (Session, error) {
	var f sessionFile
	if err := json.Unmarshal(b, &f); err != nil {
		return Session{}, fmt.Errorf("vault: a damaged session file: %w", err)
	}
	s := f.Session
	s.Secret = Secret{Data: f.Data, Supervisor: f.Supervisor}
	if len(s.Secret.Data) != KeySize || (len(s.Secret.Supervisor) != 0 && len(s.Secret.Supervisor) != KeySize) {
		return Session{}, errors.New("vault: a damaged session file")
	}
	k, _ := Derive(s.Secret)
	if !Equal(s.mac(k), f.MAC) {
		return Session{}, errors.New("vault: the session file was changed")
	}
	return s, nil
}
