package forms

import (
	"time"

	"github.com/jemput/jemput/lang"
)

// NIP is a parsed civil-servant number: YYYYMMDD YYYYMM S NNN.
type NIP struct {
	Number    string
	BirthDate time.Time
	Appointed time.Time // first day of the month of appointment
	Female    bool
	Serial    int
}

var nipLabel = lang.Text{ID: "NIP", EN: "NIP"}

// ParseNIP checks an officer's NIP on its own: 18 digits, a real birth date,
// a real appointment month after the birth, sex digit 1 (man) or 2 (woman),
// serial 001–999. Errors are *CheckError with codes nip_not_digits,
// nip_length, nip_birth_date, nip_appointment, nip_sex, nip_serial.
func ParseNIP(s string) (NIP, error) {
	if err := digitsOnly(s, 18, "nip", nipLabel); err != nil {
		return NIP{}, err
	}
	birth, ok := civilDate(num(s[0:4]), num(s[4:6]), num(s[6:8]))
	if !ok {
		return NIP{}, &CheckError{Code: "nip_birth_date", Message: msg(
			"Tanggal lahir dalam NIP tidak ada di kalender (%s-%s-%s)",
			"The birth date in the NIP is not a real date (%s-%s-%s)", s[0:4], s[4:6], s[6:8])}
	}
	appointed, ok := civilDate(num(s[8:12]), num(s[12:14]), 1)
	if !ok {
		return NIP{}, &CheckError{Code: "nip_appointment", Message: msg(
			"Bulan pengangkatan dalam NIP tidak valid (%s-%s)",
			"The appointment month in the NIP is not valid (%s-%s)", s[8:12], s[12:14])}
	}
	if !appointed.After(birth) {
		return NIP{}, &CheckError{Code: "nip_appointment", Message: msg(
			"Pengangkatan dalam NIP (%s-%s) tidak mungkin sebelum kelahiran (%s)",
			"The appointment in the NIP (%s-%s) cannot precede the birth (%s)",
			s[8:12], s[12:14], birth.Format(dateLayout))}
	}
	n := NIP{Number: s, BirthDate: birth, Appointed: appointed, Serial: num(s[15:18])}
	switch s[14] {
	case '1':
	case '2':
		n.Female = true
	default:
		return NIP{}, &CheckError{Code: "nip_sex", Message: msg(
			"Digit jenis kelamin dalam NIP (ke-15) harus 1 atau 2, tertulis %c",
			"The sex digit in the NIP (15th) must be 1 or 2, got %c", s[14])}
	}
	if n.Serial == 0 {
		return NIP{}, &CheckError{Code: "nip_serial", Message: msg(
			"Nomor urut NIP (3 digit terakhir) tidak boleh 000",
			"The serial number of the NIP (last 3 digits) cannot be 000")}
	}
	return n, nil
}
