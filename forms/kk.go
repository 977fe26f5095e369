package forms

import "github.com/jemput/jemput/lang"

// KK is a parsed Kartu Keluarga number: PPRRSS DDMMYY NNNN, the region where
// the card was issued, the issue date (no +40: it is not a person's date)
// and a serial.
type KK struct {
	Number   string
	Province string // "63"
	Regency  string // "63.02"
	District string // "63.02.01"
	Day      int    // issue date
	Month    int
	YY       int
	Serial   int
}

var kkLabel = lang.Text{ID: "Nomor KK", EN: "KK number"}

// ParseKK checks a Kartu Keluarga number on its own. Errors are *CheckError
// with codes kk_not_digits, kk_length, kk_date, kk_serial.
func ParseKK(s string) (KK, error) {
	k, err := parseKK(s, kkLabel)
	if err != nil {
		return KK{}, err
	}
	return k, nil
}

func parseKK(s string, label lang.Text) (KK, *CheckError) {
	if err := digitsOnly(s, 16, "kk", label); err != nil {
		return KK{}, err
	}
	k := KK{
		Number:   s,
		Province: s[0:2],
		Regency:  s[0:2] + "." + s[2:4],
		District: s[0:2] + "." + s[2:4] + "." + s[4:6],
		Day:      num(s[6:8]),
		Month:    num(s[8:10]),
		YY:       num(s[10:12]),
		Serial:   num(s[12:16]),
	}
	if len(validYears(k.Day, k.Month, k.YY)) == 0 {
		m := labelled(label,
			"Tanggal terbit dalam %s tidak ada di kalender (%s-%s-%s)",
			"The issue date in the %s is not a real date (%s-%s-%s)",
			s[6:8], s[8:10], s[10:12])
		if k.Day > 40 {
			// A NIK typed into the KK box is the usual cause.
			m.ID += "; apakah ini NIK?"
			m.EN += "; is this a NIK?"
		}
		return KK{}, &CheckError{Code: "kk_date", Message: m}
	}
	if k.Serial == 0 {
		return KK{}, &CheckError{Code: "kk_serial", Message: labelled(label,
			"Nomor urut %s (4 digit terakhir) tidak boleh 0000",
			"The serial number of the %s (last 4 digits) cannot be 0000")}
	}
	return k, nil
}
