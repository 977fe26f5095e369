package sqlite

// Wrap lets the tests hold real SQLite errors to wrap.
var Wrap = wrap

// Migration0001 is the first migration alone: a database as it was made
// before the later ones.
func Migration0001() []byte {
	b, err := migrations.ReadFile("migrations/0001_central.sql")
	if err != nil {
		panic(err)
	}
	return b
}
