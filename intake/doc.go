// Package intake is the domain of the field kit: the kit and its officers,
// events, applications and their lifecycle (capture, draft, edit as a new
// version, void), roster import and application numbers.
//
// It defines what it needs from storage (Store, Tx) and knows no SQL; the
// store package implements it. Validation of what an applicant brings is the
// forms package's job; intake decides what a result means for the
// application's state.
package intake
