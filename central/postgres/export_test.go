package postgres

// SetMaxSerializationRetries lets a test wait less for a failure that
// never clears; the returned func puts the limit back.
func SetMaxSerializationRetries(n int) (restore func()) {
	old := maxSerializationRetries
	maxSerializationRetries = n
	return func() { maxSerializationRetries = old }
}
