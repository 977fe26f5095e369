package intake

import (
	"errors"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// issue builds an error-severity issue for a field the kit itself checks
// (not a form field).
func issue(field, code, id, en string) forms.Issue {
	return forms.Issue{Field: field, Code: code, Severity: forms.Error, Message: lang.Text{ID: id, EN: en}}
}

// fieldError turns err into an issue on field, keeping its bilingual
// message when it has one.
func fieldError(field string, err error) forms.Issue {
	var e *Error
	if errors.As(err, &e) {
		return forms.Issue{Field: field, Code: e.Code, Severity: forms.Error, Message: e.Message}
	}
	var ce *forms.CheckError
	if errors.As(err, &ce) {
		return forms.Issue{Field: field, Code: ce.Code, Severity: forms.Error, Message: ce.Message}
	}
	return forms.Issue{Field: field, Code: "invalid", Severity: forms.Error, Message: lang.Text{ID: err.Error(), EN: err.Error()}}
}

// invalid is the error for refused input.
func invalid(issues []forms.Issue) *Error {
	e := Errorf(CodeInvalid, "data ditolak", "input refused")
	if len(issues) == 1 {
		e.Message = issues[0].Message
	}
	e.Issues = issues
	return e
}
