// Package forms holds the form definitions of the kit and the engine that
// checks an application against them, with the Indonesian identity checks
// (NIK, KK, NIP, passport names and the MRZ) usable on their own.
//
// A form is data, not code: defs/*.json are embedded and versioned, and a
// new service is a new definition (ParseForm reads one). Each field has an
// id (the key in an applicant's JSON file), bilingual labels and help, a
// type, required / required_if, allowed values, a pattern, a maximum length,
// an optional default derived from the NIK, and checks taken by name from a
// fixed library (Checks lists it) with a severity — error, overridable or
// warning — parameters, an optional "when" condition and an optional
// message. Reference tables (fees, provinces, regencies, countries, titles)
// are embedded from tables/*.json and can be overridden by an office with
// ReadTables.
//
// # Conditions
//
// required_if, ask_if, a check's "when", a document rule's "when", a
// derivation's "unless", a fee line's "when" and a receipt step's "when"
// share one small language.
// A condition is a JSON object of exactly one of these shapes:
//
//	{"field": ID, "eq": VALUE}        the field's normalized value equals VALUE
//	{"field": ID, "in": [VALUE...]}   ... is one of the values
//	{"field": ID, "present": BOOL}    the field is (not) answered
//	{"derived": NAME, "eq"|"in"|"present": ...}  the same on a derived value
//	{"event_type": TYPE}              the event is of that type
//	{"event_type": [TYPE...]}         ... of one of these types
//	{"all": [COND...]}                every condition holds
//	{"any": [COND...]}                at least one holds
//	{"not": COND}                     the condition does not hold
//
// A missing value equals nothing, so {"field": "x", "eq": ...} is false while
// x is unanswered. Numbers compare by value (5 = 5.0); a list value (the
// documents) "equals" VALUE when it contains it. Unknown keys, a field or
// derived name the form does not have, and two shapes in one object are
// errors when the definition is loaded, never silently false.
//
// # Derived values
//
// "derive" lists functions run in order before the checks: age (from a date
// field, unset for a future date), age_below ("minor": under N unless a
// condition holds, e.g. ever married), nik (sex_from_nik,
// birth_date_from_nik with the century resolved against the entered birth
// date, province, province_name, regency, regency_name, district), mrz_name
// (mrz_name, mrz_truncated, name_as_printed, name_words; params "field" and
// the optional "surname", the field naming the primary identifier: ICAO
// 9303 transliteration and truncation, see NameToMRZ) and fee (the total of
// the fee table's lines whose condition holds; the lines go to Result.Fee).
//
// # Severities and overrides
//
// Errors block saving. Overridable issues block saving unless
// Context.Overrides holds a non-empty reason for the field; they then move to
// Result.Overridden with the reason. An override for a field with no
// overridable issue is an error (override_unused), so a misspelt field name
// cannot stand in for a justification. Warnings are recorded and shown.
// Missing documents are neither: the application is saved as incomplete
// (Result.Complete) and the receipt lists Result.Missing.
//
// # Receipts
//
// "receipt" says what the applicant's receipt is called, which answers it
// shows (details, with a unit where one helps) and the next steps, each
// with an optional "when"; a step's text may name {fee}, {office} and
// {place}, which the receipt fills in. The identity number is never a
// detail: the receipt prints it masked, from its role.
package forms
