package central

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/kitcode"
	ksync "github.com/jemput/jemput/sync"
)

// Bounds of a record's parts that are not limits an office would tune: a
// record beyond them is not one a kit makes.
const (
	maxIDLen      = 64
	maxTextLen    = 512 // event names, places, officer names
	maxVersion    = 100000
	maxDocFields  = 200
	maxValueBytes = 8 << 10
)

// checkBatch refuses, before anything is stored, a batch that could not
// have come from kit: too many records or audit entries, records of
// another kit, or records that are not well-formed application versions
// of a form this office knows. A batch sent online and one read from an
// export file have their own limits (maxRecords, maxAudit).
//
// It answers, for each record, what receiving it needs of the checks: its
// JSON and what its document says of the applicant, so that a record is
// encoded and its document read once.
func (o *Office) checkBatch(kit string, b ksync.Batch, maxRecords, maxAudit int) ([]checked, error) {
	if b.Kit != "" && b.Kit != kit {
		return nil, malformedf("batch %s says it is from kit %s, but kit %s sent it", b.BatchID, b.Kit, kit)
	}
	if n := len(b.Records); n > maxRecords {
		return nil, ksync.Errorf(ksync.CodeTooLarge, "batch of %d records, at most %d", n, maxRecords)
	}
	if n := len(b.Audit); n > maxAudit {
		return nil, ksync.Errorf(ksync.CodeTooLarge, "batch of %d audit entries, at most %d", n, maxAudit)
	}
	if len(b.BatchID) > maxIDLen*2 {
		return nil, malformedf("batch id of %d characters", len(b.BatchID))
	}
	checks := make([]checked, len(b.Records))
	for i, r := range b.Records {
		c, err := o.checkRecord(kit, r)
		if err != nil {
			var ke *ksync.Error
			if errors.As(err, &ke) { // too large: its own code
				return nil, ksync.Errorf(ke.Code, "record %d (%.64q): %s", i, r.AppID, ke.Message)
			}
			return nil, malformedf("record %d (%.64q): %s", i, r.AppID, err.Error())
		}
		checks[i] = c
	}
	for i, e := range b.Audit {
		switch {
		case e.Seq < 1 || e.Hash == "":
			return nil, malformedf("audit entry %d: seq %d and hash %q", i, e.Seq, e.Hash)
		case longest(e.Officer, e.Action, e.Entity, e.EntityID, e.PrevHash, e.Hash) > maxTextLen || len(e.Reason)+len(e.Detail) > maxValueBytes:
			return nil, malformedf("audit entry %d (seq %d) is larger than a kit makes", i, e.Seq)
		}
	}
	return checks, nil
}

func longest(ss ...string) int {
	n := 0
	for _, s := range ss {
		n = max(n, len(s))
	}
	return n
}

// safeID: letters, digits and - _ . only, as the kit's ids are.
func safeID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// numberKit is the kit code an application number starts with, if the
// number has the shape KIT-YYMMDD-NNNN-C.
func numberKit(number string) (string, bool) {
	parts := strings.Split(number, "-")
	if len(parts) != 4 || len(parts[1]) != 6 || len(parts[2]) < 4 || len(parts[2]) > 6 || len(parts[3]) != 1 || !kitcode.Valid(parts[0]) {
		return "", false
	}
	for _, c := range parts[1] + parts[2] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	if !strings.Contains(kitcode.Alphabet, parts[3]) {
		return "", false
	}
	return parts[0], true
}

type recordError string

func (e recordError) Error() string { return string(e) }

// checked is what checking a record found that receiving it needs.
type checked struct {
	body                                 []byte // the record's JSON, as stored
	photoSize                            int64  // as its document declares it, -1 when it does not
	province, regency, district, purpose string // see valueRegion and valuePurpose
}

// checkRecord says what makes r not a well-formed application version from
// kit, or nil.
func (o *Office) checkRecord(kit string, r ksync.Record) (checked, error) {
	switch {
	case r.Kit != kit:
		return checked{}, recordError("it is from kit " + r.Kit + ", but kit " + kit + " sent it")
	case !safeID(r.AppID):
		return checked{}, recordError("app_id is empty, longer than 64 characters or holds characters other than letters, digits, - _ .")
	case r.Version < 1 || r.Version > maxVersion:
		return checked{}, recordError("version out of range 1–100000")
	case r.Number == "":
		return checked{}, recordError("no application number")
	case r.Photo != "" && !isSHA256(r.Photo):
		return checked{}, recordError("photo is not a SHA-256 in hex")
	case r.CreatedAt.IsZero():
		return checked{}, recordError("no created_at")
	case r.Status == "" || len(r.Status) > 32:
		return checked{}, recordError("no status")
	case longest(r.Event.ID, r.Event.Type, r.Event.Name, r.Event.Place, r.Event.Date, r.Officer.NIP, r.Officer.Name) > maxTextLen:
		return checked{}, recordError("event or officer text longer than a kit makes")
	case !utf8.ValidString(r.Event.Name + r.Event.Place + r.Officer.Name):
		return checked{}, recordError("event or officer text is not UTF-8")
	case len(r.Transitions) > 0:
		return checked{}, recordError("transitions are not sent in records (see the audit log)")
	}
	if nk, ok := numberKit(r.Number); !ok {
		return checked{}, recordError("number " + r.Number + " is not an application number (KIT-YYMMDD-NNNN-C)")
	} else if nk != kit {
		// Reported as not_owner by checkOwner, inside the transaction; here
		// only the shape counts.
		_ = nk
	}
	f, err := forms.Get(r.Form)
	if err != nil {
		return checked{}, recordError("form " + r.Form + " is not one this office knows")
	}
	if r.FormVersion < 1 || r.FormVersion > f.Version {
		return checked{}, recordError("form_version out of range for form " + r.Form)
	}
	body, err := json.Marshal(r)
	if err != nil {
		return checked{}, recordError("not JSON: " + err.Error())
	}
	if len(body) > o.limits.RecordBytes {
		return checked{}, ksync.Errorf(ksync.CodeTooLarge, "record of %d bytes, at most %d", len(body), o.limits.RecordBytes)
	}
	values, size, err := checkDoc(f, r)
	if err != nil {
		return checked{}, err
	}
	c := checked{body: body, photoSize: size, purpose: valuePurpose(values)}
	c.province, c.regency, c.district = valueRegion(f, values)
	return c, nil
}

// checkDoc checks the document of a record: an object whose values are
// fields of its form, and whose photo is the record's. It answers the
// values, and the photo's size as the document declares it (-1 when it
// declares none).
func checkDoc(f *forms.Form, r ksync.Record) (map[string]json.RawMessage, int64, error) {
	var d struct {
		Values map[string]json.RawMessage `json:"values"`
		Photo  *struct {
			SHA256 string `json:"sha256"`
			Size   *int64 `json:"size"`
		} `json:"photo"`
	}
	if err := json.Unmarshal(r.Doc, &d); err != nil {
		return nil, 0, recordError("doc is not the JSON object of an application: " + err.Error())
	}
	if d.Values == nil {
		return nil, 0, recordError("doc has no values")
	}
	if len(d.Values) > maxDocFields {
		return nil, 0, recordError("doc has more values than the form has fields")
	}
	for k, v := range d.Values {
		if _, ok := f.Field(k); !ok {
			return nil, 0, recordError("doc value " + k + " is not a field of form " + f.ID)
		}
		if len(v) > maxValueBytes {
			return nil, 0, recordError("doc value " + k + " is larger than a field holds")
		}
		if len(v) > 0 && v[0] == '{' {
			return nil, 0, recordError("doc value " + k + " is an object")
		}
	}
	photo, size := "", int64(-1)
	if d.Photo != nil {
		photo = d.Photo.SHA256
		declared := int64(0)
		if d.Photo.Size != nil {
			declared, size = *d.Photo.Size, *d.Photo.Size
		}
		if declared < 0 || declared > ksync.MaxAttachmentSize {
			return nil, 0, ksync.Errorf(ksync.CodeTooLarge, "its photo of %d bytes, at most %d", declared, ksync.MaxAttachmentSize)
		}
	}
	if photo != r.Photo {
		return nil, 0, recordError("doc's photo " + photo + " is not the record's " + r.Photo)
	}
	return d.Values, size, nil
}

// valueRegion reads the applicant's region, for the demand report, from
// the field that the form gives the identity-number role, when that field
// is a NIK; "" when the form has no such field (a foreigner's stay permit)
// or the number is not a NIK.
func valueRegion(f *forms.Form, values map[string]json.RawMessage) (province, regency, district string) {
	fd, ok := f.RoleField(forms.RoleIdentityNumber)
	if !ok || fd.Type != forms.TypeNIK {
		return "", "", ""
	}
	var s string
	if raw, ok := values[fd.ID]; !ok || json.Unmarshal(raw, &s) != nil {
		return "", "", ""
	}
	n, err := forms.ParseNIK(s)
	if err != nil {
		return "", "", ""
	}
	return n.Province, n.Regency, n.District
}

// valuePurpose is the purpose of travel the applicant gave, "" when none.
func valuePurpose(values map[string]json.RawMessage) string {
	var s string
	if raw, ok := values["travel_purpose"]; !ok || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// checkOwner refuses a record that touches what another kit sent, as o
// (what the office holds) says: an
// application id, or a number, first received from another kit, or a
// number with another kit's code. An application's versions belong to the
// kit that sent its first one.
//
// A record the office already holds with the same hash needs no check: its
// content, kit included, is what the sender sent before.
func checkOwner(o Owners, kit string, r ksync.Record) error {
	if nk, _ := numberKit(r.Number); nk != kit {
		return ksync.Errorf(ksync.CodeNotOwner, "record %s: number %s is kit %s's, not kit %s's", r.ID(), r.Number, nk, kit)
	}
	switch {
	case o.AppKit != "" && o.AppKit != kit:
		return ksync.Errorf(ksync.CodeNotOwner, "record %s: application %s belongs to another kit", r.ID(), r.AppID)
	case o.NumberKit != "" && o.NumberKit != kit:
		return ksync.Errorf(ksync.CodeNotOwner, "record %s: number %s belongs to another kit", r.ID(), r.Number)
	case o.NumberApp != "" && o.NumberApp != r.AppID:
		return &numberTaken{number: r.Number, holder: o.NumberApp}
	}
	return nil
}

// numberTaken is a number of this kit that the office already holds for
// another application of it: two devices of one kit (a lost laptop and the
// copy restored from its mirror, or a cloned kit) gave it to two people.
// The office keeps the first, flags the second as a conflict for the
// supervisor (the applicant's receipt carries a number the office cannot
// use), and takes the rest of the batch.
type numberTaken struct{ number, holder string }

func (e *numberTaken) Error() string {
	return fmt.Sprintf("number %s is held for application %s of this kit: two devices of the kit gave it out", e.number, e.holder)
}
