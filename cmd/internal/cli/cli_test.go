package cli

import (
	"errors"
	"testing"
	"time"
)

func TestDefaultLang(t *testing.T) {
	for env, want := range map[string]string{"": "id", "en_US.UTF-8": "en", "id_ID.UTF-8": "id", "C.UTF-8": "id", "POSIX": "id", "fr_FR": "id"} {
		got := DefaultLang(func(k string) string {
			if k == "LANG" {
				return env
			}
			return ""
		})
		if got != want {
			t.Errorf("LANG=%q: %s, want %s", env, got, want)
		}
	}
	if got := DefaultLang(func(k string) string { return map[string]string{"JEMPUT_LANG": "en", "LANG": "id_ID"}[k] }); got != "en" {
		t.Errorf("JEMPUT_LANG wins over LANG: got %s", got)
	}
}

func TestClock(t *testing.T) {
	if _, err := Clock(func(string) string { return "2026-11-27T09:30:00+08:00" }); err == nil {
		t.Fatal("a field build took its clock from JEMPUT_NOW")
	}
	AllowFakeClock()
	defer func() { fakeClock = "" }()
	now, err := Clock(func(string) string { return "2026-11-27T09:30:00+08:00" })
	if err != nil || !now().Equal(time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)) {
		t.Fatalf("%v %v", now(), err)
	}
	if _, err := Clock(func(string) string { return "27/11/2026" }); err == nil {
		t.Fatal("a bad JEMPUT_NOW was accepted")
	}
}

func TestIsUsage(t *testing.T) {
	if !IsUsage(Usagef("x")) || !IsUsage(errors.New(`unknown flag: --bogus`)) || IsUsage(errors.New("disk full")) {
		t.Fatal("IsUsage")
	}
}
