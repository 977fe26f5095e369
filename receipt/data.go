// Package receipt says what the receipt an applicant takes home holds
// (package pdf lays it out on A4 or an 80 mm thermal roll) and signs and
// verifies the payload of its QR code.
//
// The receipt is built from Data, a view model that knows nothing of storage:
// the caller fills it in, with the NIK already masked. ForApplication fills
// it from an application and the words of its form's definition.
package receipt

import (
	"strconv"
	"time"

	"github.com/jemput/jemput/lang"
)

// Format is the paper the receipt is laid out for.
type Format string

// Formats Render knows.
const (
	A4     Format = "a4"
	Roll80 Format = "80mm" // thermal roll, 72 mm printable
)

// Line is one labelled value, such as the passport kind or the birth date.
type Line struct {
	Label lang.Text
	Value string
}

// FeeLine is one part of the fee, in rupiah.
type FeeLine struct {
	Label  lang.Text
	Amount int64
}

// Data is everything a receipt shows. Text fields are printed as plain text,
// never interpreted.
type Data struct {
	Number        string // application number, e.g. "KTB01-261127-0042-7"
	Copy          int    // 0 = original; n ≥ 1 prints "SALINAN / COPY n"
	Office        string
	KitCode       string
	Title         lang.Text // heading, from the form; zero means "TANDA TERIMA PERMOHONAN"
	Service       lang.Text // e.g. {"Paspor biasa", "Ordinary passport"}
	FullName      string    // as typed
	PassportName  string    // as the passport will print it
	MRZName       string    // machine-readable zone name field
	NameTruncated bool      // MRZ name cut at 39 characters
	NIKMasked     string    // "630201******0003"; a full NIK is refused
	Status        lang.Text
	Details       []Line // in the order they are printed
	Fee           int64  // rupiah
	FeeLines      []FeeLine
	Received      []lang.Text // documents received
	Missing       []lang.Text // documents still missing
	NextSteps     []lang.Text
	Warnings      []lang.Text // notes for the applicant
	OfficerName   string
	OfficerNIP    string
	EventName     string
	EventType     string
	Place         string
	Issued        time.Time
	Photo         []byte // JPEG, optional
	QR            string // signed payload text (see Sign)
}

// validate refuses data that must not be printed.
func (d *Data) validate(f Format) error {
	if f != A4 && f != Roll80 {
		return errorf(CodeInvalid, "unknown receipt format %q (want %q or %q)", f, A4, Roll80)
	}
	if d.Number == "" {
		return errorf(CodeInvalid, "receipt has no application number")
	}
	if d.Copy < 0 {
		return errorf(CodeInvalid, "copy number %d is negative", d.Copy)
	}
	if err := checkMaskedNIK(d.NIKMasked); err != nil {
		return err
	}
	if d.Issued.IsZero() {
		return errorf(CodeInvalid, "receipt has no time of issue")
	}
	if len(d.FeeLines) > 0 {
		var sum int64
		for _, l := range d.FeeLines {
			sum += l.Amount
		}
		if sum != d.Fee {
			return errorf(CodeInvalid, "fee lines add up to %s, not the fee %s", rupiah(sum), rupiah(d.Fee))
		}
	}
	return nil
}

// rupiah formats an amount the Indonesian way: Rp950.000.
func rupiah(n int64) string {
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign = "-"
		u = uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	b := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	return sign + "Rp" + string(b)
}
