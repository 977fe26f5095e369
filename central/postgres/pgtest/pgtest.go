// Package pgtest gives each test a PostgreSQL database of its own on the
// server that JEMPUT_TEST_POSTGRES names (a postgres:// URL whose user may
// create databases; scripts/postgres starts one and prints it), dropped
// when the test ends, so that no test ever sees another's rows.
//
// Without JEMPUT_TEST_POSTGRES the tests that need PostgreSQL are
// skipped, saying so; with it, a server that does not answer fails them
// (CI sets it and must not skip quietly).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env names the variable holding the server's URL.
const Env = "JEMPUT_TEST_POSTGRES"

// Available reports whether a server is configured.
func Available() bool { return os.Getenv(Env) != "" }

// DSN creates a new, empty database for t and returns its URL; the
// database is dropped when t ends (unless JEMPUT_TEST_POSTGRES_KEEP is
// set, for looking at it after a failure). Skips t when no server is
// configured.
func DSN(t testing.TB) string {
	t.Helper()
	return create(t, "template0")
}

// Clone creates a new database for t holding a copy of the database at
// src (one of DSN's, to which nothing may be connected) and returns its
// URL; dropped when t ends, as DSN's are.
func Clone(t testing.TB, src string) string {
	t.Helper()
	u, err := url.Parse(src)
	if err != nil {
		t.Fatalf("Clone: %v", err)
	}
	return create(t, strings.TrimPrefix(u.Path, "/"))
}

// cloneMu: PostgreSQL refuses to copy a database that another copy is
// reading at the same moment.
var cloneMu sync.Mutex

func create(t testing.TB, template string) string {
	t.Helper()
	admin := os.Getenv(Env)
	if admin == "" {
		t.Skipf("PostgreSQL: skipped, %s is not set (scripts/postgres start prints a URL for it)", Env)
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s is not a postgres:// URL", Env)
	}
	name := dbName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", u.Redacted(), err)
	}
	defer conn.Close(context.Background())
	cloneMu.Lock()
	_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+` TEMPLATE `+pgx.Identifier{template}.Sanitize()+` ENCODING 'UTF8'`)
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("creating database %s from %s: %v", name, template, err)
	}
	t.Cleanup(func() {
		if os.Getenv("JEMPUT_TEST_POSTGRES_KEEP") != "" {
			t.Logf("database %s kept", name)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("dropping database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

var unsafe = regexp.MustCompile(`[^a-z0-9]+`)

// dbName is a database name from the test's name (for whoever looks at
// the server) and a random suffix (tests run in parallel and again).
func dbName(test string) string {
	s := strings.Trim(unsafe.ReplaceAllString(strings.ToLower(test), "_"), "_")
	if len(s) > 40 {
		s = s[:40]
	}
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("jt_%s_%s", s, hex.EncodeToString(b))
}
