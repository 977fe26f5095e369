package forms

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Derivation computes values from the answers (age, minor, what the NIK
// encodes, the MRZ name, the fee). Derivations run in order, so one may read
// what an earlier one produced; conditions can read them as {"derived": ...}.
type Derivation struct {
	Fn     string          `json:"fn"`
	As     string          `json:"as,omitempty"` // name of the output, for single-output functions
	Params json.RawMessage `json:"params,omitempty"`
	// Outputs are the names this derivation sets, resolved at load.
	Outputs []string `json:"-"`
	run     deriveFunc
}

// deriveCtx is the state derivations read and write.
type deriveCtx struct {
	values  map[string]any
	derived map[string]any
	env     env
	today   time.Time
	tables  *Tables
	fee     *Fee
}

type deriveFunc func(d *deriveCtx)

// The outputs of the multi-valued derivations. Their names are fixed so the
// receipt and reports can rely on them.
var (
	nikOutputs = []string{"sex_from_nik", "birth_date_from_nik", "province", "province_name",
		"regency", "regency_name", "district"}
	mrzOutputs = []string{"mrz_name", "mrz_truncated", "name_as_printed", "name_words"}
)

func (d *Derivation) compile(f *Form, derived map[string]bool) error {
	fieldOf := func(id string, t FieldType) error {
		fd, ok := f.Field(id)
		if !ok || fd.Type != t {
			return fmt.Errorf("params must name a %s field, got %q", t, id)
		}
		return nil
	}
	single := func(def string) []string {
		if d.As != "" {
			return []string{d.As}
		}
		return []string{def}
	}
	var p struct {
		Field     string     `json:"field"`
		Surname   string     `json:"surname"`
		BirthDate string     `json:"birth_date"`
		Age       string     `json:"age"`
		Below     int        `json:"below"`
		Unless    *Condition `json:"unless"`
		Schedule  string     `json:"schedule"`
	}
	if err := decodeParams(d.Params, &p); err != nil {
		return err
	}
	switch d.Fn {
	case "age":
		if err := fieldOf(p.Field, TypeDate); err != nil {
			return err
		}
		d.Outputs = single("age")
		d.run = deriveAge(p.Field, d.Outputs[0])
	case "age_below":
		if !derived[p.Age] || p.Below <= 0 {
			return fmt.Errorf(`params need "age" (an earlier derived value) and "below" > 0`)
		}
		var err error
		p.Unless.refs(func(id string) {
			if _, ok := f.Field(id); !ok && err == nil {
				err = fmt.Errorf("unless reads unknown field %q", id)
			}
		}, func(name string) {
			if !derived[name] && err == nil {
				err = fmt.Errorf("unless reads unknown derived value %q", name)
			}
		})
		if err != nil {
			return err
		}
		d.Outputs = single("minor")
		d.run = deriveAgeBelow(p.Age, p.Below, p.Unless, d.Outputs[0])
	case "nik":
		if err := fieldOf(p.Field, TypeNIK); err != nil {
			return err
		}
		if p.BirthDate != "" {
			if err := fieldOf(p.BirthDate, TypeDate); err != nil {
				return err
			}
		}
		d.Outputs = nikOutputs
		d.run = deriveNIK(p.Field, p.BirthDate)
	case "mrz_name":
		if err := fieldOf(p.Field, TypeName); err != nil {
			return err
		}
		if err := nameFieldParam(f, p.Surname); err != nil {
			return err
		}
		d.Outputs = mrzOutputs
		d.run = deriveMRZ(p.Field, p.Surname)
	case "fee":
		if p.Schedule == "" {
			return fmt.Errorf(`params need "schedule", a fee table name`)
		}
		d.Outputs = single("fee")
		d.run = deriveFee(p.Schedule, d.Outputs[0])
	default:
		return fmt.Errorf("unknown derivation %q (known: age, age_below, nik, mrz_name, fee)", d.Fn)
	}
	for _, o := range d.Outputs {
		if derived[o] {
			return fmt.Errorf("derived value %q produced twice", o)
		}
		derived[o] = true
	}
	return nil
}

func dateField(values map[string]any, id string) (time.Time, bool) {
	s, ok := values[id].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, s)
	return t, err == nil
}

// deriveAge leaves age unset for a birth date in the future: that date is an
// error, and a negative age would make the applicant a minor.
func deriveAge(field, as string) deriveFunc {
	return func(d *deriveCtx) {
		if b, ok := dateField(d.values, field); ok && !b.After(d.today) {
			d.derived[as] = ageOn(b, d.today)
		}
	}
}

// deriveAgeBelow is how "minor" is defined: under 17 unless ever married.
func deriveAgeBelow(age string, below int, unless *Condition, as string) deriveFunc {
	return func(d *deriveCtx) {
		a, ok := d.derived[age].(int)
		if !ok {
			return
		}
		d.derived[as] = a < below && !(unless != nil && unless.eval(d.env))
	}
}

func deriveNIK(field, birthDate string) deriveFunc {
	return func(d *deriveCtx) {
		s, _ := d.values[field].(string)
		n, err := parseNIK(s, nikLabel)
		if err != nil {
			return
		}
		born := n.GuessBirthDate(d.today)
		if b, ok := dateField(d.values, birthDate); ok {
			born = n.BirthDateFor(b)
		}
		d.derived["sex_from_nik"] = n.Sex()
		d.derived["birth_date_from_nik"] = born.Format(dateLayout)
		d.derived["province"] = n.Province
		if name, ok := d.tables.Province(n.Province); ok {
			d.derived["province_name"] = name
		}
		d.derived["regency"] = n.Regency
		if name, ok := d.tables.Regency(n.Regency); ok {
			d.derived["regency_name"] = name
		}
		d.derived["district"] = n.District
	}
}

func deriveMRZ(field, surnameField string) deriveFunc {
	return func(d *deriveCtx) {
		s, _ := d.values[field].(string)
		if s == "" {
			return
		}
		sur, _ := d.values[surnameField].(string)
		if _, _, ok := SplitName(s, sur); !ok {
			return // refused by the surname's check
		}
		res := passportName(s, sur, fullNameLabel, d.tables)
		if !res.OK() {
			return // no MRZ for a name that cannot be printed
		}
		d.derived["mrz_name"] = res.MRZ.Field
		d.derived["mrz_truncated"] = res.MRZ.Truncated
		d.derived["name_as_printed"] = res.MRZ.AsPrinted
		// A form asks for a surname only where one can be more than the
		// last word.
		d.derived["name_words"] = len(strings.Fields(res.Name))
	}
}

func deriveFee(schedule, as string) deriveFunc {
	return func(d *deriveCtx) {
		var fee Fee
		for _, r := range d.tables.Fees(schedule) {
			if r.When.eval(d.env) {
				fee.Lines = append(fee.Lines, FeeLine{Label: r.Label, Amount: r.Amount})
				fee.Total += r.Amount
			}
		}
		if len(fee.Lines) > 0 {
			*d.fee = fee
			d.derived[as] = fee.Total
		}
	}
}
