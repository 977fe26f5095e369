package forms

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/jemput/jemput/lang"
)

//go:embed defs/*.json
var defFiles embed.FS

// FieldType says how a field's answer is read and stored.
type FieldType string

// The field types. Each stores a string in Values unless noted.
const (
	TypeText      FieldType = "text"      // free text, kept as typed (trimmed)
	TypeName      FieldType = "name"      // a person's name, spaces collapsed
	TypeDate      FieldType = "date"      // stored as YYYY-MM-DD
	TypeEnum      FieldType = "enum"      // one of Values
	TypeBool      FieldType = "bool"      // stored as bool
	TypeInt       FieldType = "int"       // stored as int
	TypeNIK       FieldType = "nik"       // 16 digits, spaces removed
	TypeKK        FieldType = "kk"        // 16 digits, spaces removed
	TypePhone     FieldType = "phone"     // as typed
	TypeEmail     FieldType = "email"     // as typed
	TypeCountry   FieldType = "country"   // ISO 3166-1 alpha-3, upper-cased
	TypeDocuments FieldType = "documents" // stored as []string of document ids
)

var fieldTypes = map[FieldType]bool{
	TypeText: true, TypeName: true, TypeDate: true, TypeEnum: true, TypeBool: true, TypeInt: true,
	TypeNIK: true, TypeKK: true, TypePhone: true, TypeEmail: true, TypeCountry: true, TypeDocuments: true,
}

// Form is one versioned form definition. Forms returned by Get are shared
// and must not be modified.
type Form struct {
	ID          string        `json:"id"`
	Version     int           `json:"version"`
	Title       lang.Text     `json:"title"`
	Description lang.Text     `json:"description"`
	Fields      []Field       `json:"fields"` // in asking order
	Derive      []Derivation  `json:"derive,omitempty"`
	Documents   DocumentRules `json:"documents"`
	// Receipt is what the applicant's receipt says beyond the answers;
	// nil leaves it the generic title and the form's choices and dates.
	Receipt *Receipt `json:"receipt,omitempty"`
	// Roles names the fields that mean something to the kit beyond the
	// form: what search, duplicate detection, printouts and the office's
	// region report read. A form without a role simply lacks that use.
	Roles map[Role]string `json:"roles,omitempty"`
	byID  map[string]int
}

// Role is what a field means to the kit, whatever its id in a form.
type Role string

// The roles a form may give its fields.
const (
	// RoleIdentityNumber identifies the person (the NIK): duplicate
	// detection and search use it, printouts mask it, and a nik-typed one
	// gives the applicant's region to the office.
	RoleIdentityNumber Role = "identity_number"
	// RoleName is the applicant's name: search, receipts, the MRZ.
	RoleName Role = "name"
	// RoleDocumentNumber is the number of the document the application is
	// about (the old passport, the foreigner's passport): search uses it.
	RoleDocumentNumber Role = "document_number"
	// RoleBirthDate is the applicant's birth date.
	RoleBirthDate Role = "birth_date"
	// RoleSurname is the applicant's surname where it is more than the
	// last word of the name: the passport's primary identifier.
	RoleSurname Role = "surname"
)

var roles = map[Role]bool{RoleIdentityNumber: true, RoleName: true, RoleDocumentNumber: true, RoleBirthDate: true, RoleSurname: true}

// RoleField returns the field that plays role in f, if one does.
func (f *Form) RoleField(role Role) (*Field, bool) {
	id, ok := f.Roles[role]
	if !ok {
		return nil, false
	}
	return f.Field(id)
}

// RoleValue returns the string value of the field playing role in values
// (a checked application's values), or "" when the form gives no field
// that role or the field is empty.
func (f *Form) RoleValue(role Role, values map[string]any) string {
	id, ok := f.Roles[role]
	if !ok {
		return ""
	}
	s, _ := values[id].(string)
	return s
}

// Field is one question of a form.
type Field struct {
	ID         string     `json:"id"`
	Label      lang.Text  `json:"label"`
	Type       FieldType  `json:"type"`
	Required   bool       `json:"required,omitempty"`
	RequiredIf *Condition `json:"required_if,omitempty"`
	// AskIf limits interactive entry to the cases where the field applies
	// (parents' data for minors); nil = always ask.
	AskIf     *Condition   `json:"ask_if,omitempty"`
	Values    []Choice     `json:"values,omitempty"`
	Pattern   string       `json:"pattern,omitempty"`
	MaxLength int          `json:"max_length,omitempty"` // characters
	Min       *int         `json:"min,omitempty"`        // int fields
	Max       *int         `json:"max,omitempty"`
	Upper     bool         `json:"upper,omitempty"` // document numbers: capitals, no spaces
	Default   *DefaultRule `json:"default,omitempty"`
	Help      lang.Text    `json:"help"`
	Checks    []CheckRef   `json:"checks,omitempty"`
	pattern   *regexp.Regexp
}

// Choice is one allowed value with its labels. Aliases are other answers
// accepted for it, case-insensitively ("L" and "laki-laki" for "M").
type Choice struct {
	Value   string    `json:"value"`
	Label   lang.Text `json:"label"`
	Aliases []string  `json:"aliases,omitempty"`
}

// DefaultRule offers a value derived from a NIK field as the default answer.
type DefaultRule struct {
	FromNIK string `json:"from_nik"` // the NIK field's id
	Part    string `json:"part"`     // "birth_date" or "sex"
}

// CheckRef attaches a named check from the library (see Checks) to a field.
type CheckRef struct {
	Check    string          `json:"check"`
	Severity Severity        `json:"severity"`
	When     *Condition      `json:"when,omitempty"`
	Params   json.RawMessage `json:"params,omitempty"`
	// Message replaces the check's own text for every issue it raises;
	// {label} and {value} are filled in.
	Message *lang.Text `json:"message,omitempty"`
	run     checkFunc
}

// Field returns the field with that id.
func (f *Form) Field(id string) (*Field, bool) {
	i, ok := f.byID[id]
	if !ok {
		return nil, false
	}
	return &f.Fields[i], true
}

// Requirement says in words when the field must be filled.
func (fd *Field) Requirement() lang.Text {
	switch {
	case fd.Required:
		return lang.Text{ID: "wajib", EN: "required"}
	case fd.RequiredIf != nil:
		c := fd.RequiredIf.String()
		return lang.Text{ID: "wajib jika " + c, EN: "required if " + c}
	}
	return lang.Text{ID: "tidak wajib", EN: "optional"}
}

// Choice returns the allowed value matching an answer, by value, alias, or
// label, ignoring case.
func (fd *Field) Choice(answer string) (Choice, bool) {
	for _, c := range fd.Values {
		if strings.EqualFold(answer, c.Value) || strings.EqualFold(answer, c.Label.ID) ||
			strings.EqualFold(answer, c.Label.EN) {
			return c, true
		}
		for _, a := range c.Aliases {
			if strings.EqualFold(answer, a) {
				return c, true
			}
		}
	}
	return Choice{}, false
}

// Registry is a set of form definitions by id: the embedded ones, or (for
// an office's own form, or a test's) any others.
type Registry struct {
	forms map[string]*Form
}

// NewRegistry makes a registry of already parsed forms; two forms with one
// id are refused.
func NewRegistry(list ...*Form) (*Registry, error) {
	r := &Registry{forms: map[string]*Form{}}
	for _, f := range list {
		if r.forms[f.ID] != nil {
			return nil, fmt.Errorf("form %q defined twice", f.ID)
		}
		r.forms[f.ID] = f
	}
	return r, nil
}

// Embedded is the registry of the definitions built into the binary
// (defs/*.json). Adding a form to the kit is adding a file there.
var Embedded = sync.OnceValue(func() *Registry {
	entries, err := defFiles.ReadDir("defs")
	if err != nil {
		panic(err)
	}
	var list []*Form
	for _, e := range entries {
		b, err := defFiles.ReadFile(path.Join("defs", e.Name()))
		if err != nil {
			panic(err)
		}
		f, err := ParseForm(b)
		if err != nil {
			// The embedded definitions are tested; reaching this is a build mistake.
			panic(fmt.Sprintf("forms: defs/%s: %v", e.Name(), err))
		}
		list = append(list, f)
	}
	r, err := NewRegistry(list...)
	if err != nil {
		panic("forms: defs: " + err.Error())
	}
	return r
})

// Names lists the registry's form ids, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.forms))
	for n := range r.forms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Get returns a form of the registry. An unknown id is a *CheckError with
// code unknown_form.
func (r *Registry) Get(id string) (*Form, error) {
	if f, ok := r.forms[id]; ok {
		return f, nil
	}
	list := strings.Join(r.Names(), ", ")
	return nil, &CheckError{Code: "unknown_form", Message: msg(
		"Formulir %q tidak dikenal (tersedia: %s)", "Unknown form %q (available: %s)", id, list)}
}

// Names lists the embedded forms' ids, sorted.
func Names() []string { return Embedded().Names() }

// Get returns an embedded form (see Registry.Get).
func Get(id string) (*Form, error) { return Embedded().Get(id) }

// ParseForm reads and validates a form definition, resolving every check,
// derivation and condition, so that a definition with a typo fails here
// rather than while an applicant waits.
func ParseForm(b []byte) (*Form, error) {
	var f Form
	if err := strictUnmarshal(b, &f); err != nil {
		return nil, err
	}
	if err := f.compile(); err != nil {
		return nil, fmt.Errorf("form %q: %w", f.ID, err)
	}
	return &f, nil
}

var (
	formID  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	fieldID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`) // JSON keys of applicant files
)

func (f *Form) compile() error {
	if !formID.MatchString(f.ID) {
		return fmt.Errorf("id must be lower-case letters, digits and hyphens")
	}
	if f.Version < 1 {
		return fmt.Errorf("version must be 1 or more")
	}
	if err := needText(f.Title, "title"); err != nil {
		return err
	}
	f.byID = map[string]int{}
	for i := range f.Fields {
		fd := &f.Fields[i]
		if !fieldID.MatchString(fd.ID) || fd.ID == "form" {
			return fmt.Errorf("field %d: bad id %q", i+1, fd.ID)
		}
		if _, dup := f.byID[fd.ID]; dup {
			return fmt.Errorf("field %q defined twice", fd.ID)
		}
		f.byID[fd.ID] = i
	}
	derived := map[string]bool{}
	for i := range f.Derive {
		d := &f.Derive[i]
		if err := d.compile(f, derived); err != nil {
			return fmt.Errorf("derive %d (%s): %w", i+1, d.Fn, err)
		}
	}
	checkRefs := func(c *Condition) error {
		var err error
		c.refs(func(id string) {
			if _, ok := f.byID[id]; !ok && err == nil {
				err = fmt.Errorf("condition reads unknown field %q", id)
			}
		}, func(name string) {
			if !derived[name] && err == nil {
				err = fmt.Errorf("condition reads unknown derived value %q", name)
			}
		})
		return err
	}
	docFields := 0
	for i := range f.Fields {
		fd := &f.Fields[i]
		if err := fd.compile(f, checkRefs); err != nil {
			return fmt.Errorf("field %q: %w", fd.ID, err)
		}
		if fd.Type == TypeDocuments {
			docFields++
		}
	}
	if docFields > 1 {
		return fmt.Errorf("at most one documents field")
	}
	for role, id := range f.Roles {
		if !roles[role] {
			return fmt.Errorf("unknown role %q", role)
		}
		fd, ok := f.Field(id)
		if !ok {
			return fmt.Errorf("role %s names unknown field %q", role, id)
		}
		if role == RoleBirthDate && fd.Type != TypeDate {
			return fmt.Errorf("role %s needs a date field, not %q (%s)", role, id, fd.Type)
		}
		if role == RoleSurname && fd.Type != TypeName {
			return fmt.Errorf("role %s needs a name field, not %q (%s)", role, id, fd.Type)
		}
	}
	if err := f.Receipt.compile(f, checkRefs); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	return f.Documents.compile(checkRefs)
}

// Receipt is what a form's receipt says: its title, the answers it shows
// and the applicant's next steps.
type Receipt struct {
	Title lang.Text `json:"title"`
	// Details are the answers printed, in this order: the choices made and
	// the dates, not every personal detail. The identity number is never
	// among them; the receipt prints it masked, from its role.
	Details []ReceiptDetail `json:"details"`
	Steps   []ReceiptStep   `json:"next_steps"`
}

// ReceiptDetail is an answer on the receipt, with a unit after it: "10
// tahun / years".
type ReceiptDetail struct {
	Field string     `json:"field"`
	Unit  *lang.Text `json:"unit,omitempty"`
}

// ReceiptStep is a next step, printed when When holds (always without
// one). Its text may name {fee}, {office} and {place}, which the receipt
// fills in: the fee in rupiah, the kit's office, the event's place.
type ReceiptStep struct {
	When *Condition `json:"when,omitempty"`
	Text lang.Text  `json:"text"`
}

// receiptSlot matches a {name} in a step's text.
var receiptSlot = regexp.MustCompile(`\{[^{}]*\}`)

var receiptSlots = map[string]bool{"{fee}": true, "{office}": true, "{place}": true}

func (r *Receipt) compile(f *Form, checkRefs func(*Condition) error) error {
	if r == nil {
		return nil
	}
	if err := needText(r.Title, "title"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, d := range r.Details {
		fd, ok := f.Field(d.Field)
		if !ok {
			return fmt.Errorf("detail names unknown field %q", d.Field)
		}
		if seen[d.Field] {
			return fmt.Errorf("detail %q listed twice", d.Field)
		}
		seen[d.Field] = true
		if fd.Type == TypeNIK || fd.Type == TypeKK || f.Roles[RoleIdentityNumber] == d.Field {
			return fmt.Errorf("detail %q: an identity number is never printed in full", d.Field)
		}
		if d.Unit != nil {
			if err := needText(*d.Unit, "unit of "+d.Field); err != nil {
				return err
			}
		}
	}
	for i, st := range r.Steps {
		if err := needText(st.Text, fmt.Sprintf("next step %d", i+1)); err != nil {
			return err
		}
		for _, s := range []string{st.Text.ID, st.Text.EN} {
			for _, slot := range receiptSlot.FindAllString(s, -1) {
				if !receiptSlots[slot] {
					return fmt.Errorf("next step %d: unknown %s (known: {fee}, {office}, {place})", i+1, slot)
				}
			}
		}
		if err := checkRefs(st.When); err != nil {
			return fmt.Errorf("next step %d: %w", i+1, err)
		}
	}
	return nil
}

// NextSteps returns the texts of the steps that apply to an application
// (its checked values and derived values) at an event of a type, with
// their {slots} still to fill.
func (r *Receipt) NextSteps(values, derived map[string]any, eventType string) []lang.Text {
	if r == nil {
		return nil
	}
	e := env{values: values, derived: derived, eventType: eventType}
	var out []lang.Text
	for _, st := range r.Steps {
		if st.When.eval(e) {
			out = append(out, st.Text)
		}
	}
	return out
}

func needText(t lang.Text, what string) error {
	if strings.TrimSpace(t.ID) == "" || strings.TrimSpace(t.EN) == "" {
		return fmt.Errorf("%s needs both id and en", what)
	}
	return nil
}

func (fd *Field) compile(f *Form, checkRefs func(*Condition) error) error {
	if !fieldTypes[fd.Type] {
		return fmt.Errorf("unknown type %q", fd.Type)
	}
	if err := needText(fd.Label, "label"); err != nil {
		return err
	}
	if (fd.Type == TypeEnum) != (len(fd.Values) > 0) && fd.Type != TypeInt {
		return fmt.Errorf("values are required for enum fields and allowed only on enum and int fields")
	}
	seen := map[string]bool{}
	for _, c := range fd.Values {
		if c.Value == "" || seen[c.Value] {
			return fmt.Errorf("empty or repeated value %q", c.Value)
		}
		seen[c.Value] = true
		if err := needText(c.Label, "label of value "+c.Value); err != nil {
			return err
		}
	}
	if fd.Pattern != "" {
		re, err := regexp.Compile(fd.Pattern)
		if err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
		fd.pattern = re
	}
	for _, c := range []*Condition{fd.RequiredIf, fd.AskIf} {
		if err := checkRefs(c); err != nil {
			return err
		}
	}
	if fd.Required && fd.RequiredIf != nil {
		return fmt.Errorf("required and required_if are exclusive")
	}
	if d := fd.Default; d != nil {
		src, ok := f.Field(d.FromNIK)
		if !ok || src.Type != TypeNIK {
			return fmt.Errorf("default from_nik %q is not a nik field", d.FromNIK)
		}
		if d.Part != "birth_date" && d.Part != "sex" {
			return fmt.Errorf("default part %q (want birth_date or sex)", d.Part)
		}
	}
	for i := range fd.Checks {
		ref := &fd.Checks[i]
		def, ok := checkLibrary[ref.Check]
		if !ok {
			return fmt.Errorf("unknown check %q (known: %s)", ref.Check, strings.Join(Checks(), ", "))
		}
		run, err := def.compile(ref.Params, f)
		if err != nil {
			return fmt.Errorf("check %s: %w", ref.Check, err)
		}
		ref.run = run
		if err := checkRefs(ref.When); err != nil {
			return fmt.Errorf("check %s: %w", ref.Check, err)
		}
		if ref.Message != nil {
			if err := needText(*ref.Message, "check message"); err != nil {
				return err
			}
		}
	}
	return nil
}
