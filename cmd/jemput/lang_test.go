package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jemput/jemput/internal/fixtures"
	"github.com/spf13/cobra"
)

// What an officer sees is in one language: under --lang id no English word
// of a fixed list appears in --help, the intake prompts, the listings or
// the errors, and under --lang en no Indonesian one. Flag names, command
// names, codes in --json and the applicants' own data are not words of a
// language, and are left out of what is read.
var (
	englishWords = []string{"the", "and", "of", "is", "must", "usage", "flags", "available", "commands", "error", "hint",
		"warning", "required", "unknown", "does", "help", "default", "summary", "save", "captured", "approved",
		"incomplete", "voided", "missing", "documents", "field", "wrong", "refused", "connection", "male", "female",
		"single", "married", "receipt", "fail", "warn", "event", "application", "applications", "waiting", "done", "new", "file",
		"name", "number", "reason", "documents", "electronic", "replacement", "expired", "birth", "certificate"}
	indonesianWords = []string{"dan", "atau", "yang", "tidak", "dengan", "untuk", "permohonan", "galat", "petunjuk",
		"peringatan", "wajib", "berkas", "isian", "ringkasan", "simpan", "dibatalkan", "belum", "sudah", "adalah",
		"diterima", "disetujui", "baru", "nomor", "alasan", "laki-laki", "perempuan", "menunggu", "selesai", "acara"}
)

// notWords are what is taken out of the text before it is read: flags,
// commands, codes, numbers, the fixtures' names and places.
var notWords = regexp.MustCompile(`--[a-z0-9-]+(=\S+)?|\bjemput( [a-z-]+)*|` +
	// command names in a help's list, "help for app", field ids, a code
	// before what it means: "married (Kawin)", "draft (draf)"
	`(?m)^  [a-z-]+ {2,}|\b[a-z-]+(\|[a-z-]+)+\b|(bantuan untuk|help for) [a-z-]+|\b[a-z]+(_[a-z]+)+\b|(?m)^[a-z_]+ |\b[a-z0-9-]+ \(|` +
	`\b[A-Z0-9]{3,}-\d{6}-\d{4}-[0-9A-Z]\b|\$[A-Z_]+|\S+\.(json|jpg|csv|pdf|db|key)\b|https?://\S+|` +
	// the applicants' data and the kit's own names
	`Kantor Imigrasi Batulicin|Eazy Paspor( Kotabaru)?|Aula Kantor Bupati|Kotabaru|Rahmah|` +
	`Muhammad Rizky Pratama|Hj\. Nor Aisyah, S\.Pd|Siti Nurhaliza|Budi Santoso|Rahmawati|Jl\. [^\n]*|` +
	`\b(passport|stay-permit|eazy-paspor|berkala|pos-terpadu|ulp|officer|supervisor|a4|80mm|id|en|LANG|XDG|JSON|NIK|NIP|KK|MRZ|PIN|CSV|QR|e-KTP|KTP|IANA|CUPS|lp|http|SHA-256|ICAO)\b`)

func wordsIn(text string, list []string) []string {
	text = notWords.ReplaceAllString(text, " ")
	var found []string
	for _, w := range list {
		re := regexp.MustCompile(`(?i)(^|[^\pL\-])` + regexp.QuoteMeta(w) + `($|[^\pL\-])`)
		if loc := re.FindStringIndex(text); loc != nil {
			from, to := max(loc[0]-40, 0), min(loc[1]+40, len(text))
			found = append(found, w+" in «"+strings.ReplaceAll(text[from:to], "\n", "⏎")+"»")
		}
	}
	return found
}

func TestOneLanguageThroughout(t *testing.T) {
	dir := fixtures.Dir(t)
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			home := t.TempDir()
			env := map[string]string{"JEMPUT_HOME": home, "JEMPUT_NOW": "2026-11-27T09:30:00+08:00", "JEMPUT_PIN": "2468013579", "TZ": "Asia/Makassar", "XDG_RUNTIME_DIR": t.TempDir(),
				// the other language in LANG: --lang must win
				"LANG": map[string]string{"id": "en_US.UTF-8", "en": "id_ID.UTF-8"}[lang]}
			getenv := func(k string) string { return env[k] }
			exec := func(stdin string, args ...string) string {
				var out, errb bytes.Buffer
				run(context.Background(), append(args, "--lang", lang), strings.NewReader(stdin), &out, &errb, getenv)
				return out.String() + errb.String()
			}
			must := func(args ...string) {
				var out, errb bytes.Buffer
				if code := run(context.Background(), args, strings.NewReader(""), &out, &errb, getenv); code != 0 {
					t.Fatalf("%v: exit %d\n%s%s", args, code, out.String(), errb.String())
				}
			}
			must("init", "--kit-code", "KTB01", "--office", "Kantor Imigrasi Batulicin", "--supervisor-nip", "198001012005011001", "--supervisor-name", "Rahmah")
			must("event", "open", "--type", "eazy-paspor", "--name", "Eazy Paspor Kotabaru", "--place", "Aula Kantor Bupati")
			must("roster", "import", "--skip-invalid", filepath.Join(dir, "roster", "eazy-kotabaru.csv"))
			for _, f := range []string{"adult-new.json", "incomplete-missing-kk.json", "mononym.json", "warn-unknown-province.json"} {
				must("intake", "--data", filepath.Join(dir, "applicants", f))
			}

			seen := map[string]string{}
			// Every --help.
			var walk func(c *cobra.Command)
			walk = func(c *cobra.Command) {
				path := strings.Fields(c.CommandPath())[1:]
				seen["help "+c.CommandPath()] = exec("", append(path, "--help")...)
				for _, sub := range c.Commands() {
					walk(sub)
				}
			}
			root := newRootCommand(testApp())
			localize(root, lang)
			walk(root)
			// Listings.
			seen["app list"] = exec("", "app", "list")
			seen["app show"] = exec("", "app", "show", "KTB01-261127-0001-5")
			seen["review"] = exec("", "review")
			seen["roster list"] = exec("", "roster", "list")
			seen["forms show"] = exec("", "forms", "show", "passport")
			seen["zone"] = exec("", "zone")
			seen["doctor"] = exec("", "doctor")
			// Intake prompts, to a draft.
			seen["intake"] = exec("new\nDr. Budi Santoso\nBudi Santoso\n6302012208880005\n6302011010100001\n1\n\n", "intake", "--interactive")
			// Errors: cobra's, the system's, the domain's.
			seen["required flag"] = exec("", "app", "void", "KTB01-261127-0001-5")
			seen["unknown command"] = exec("", "frobnicate")
			seen["missing file"] = exec("", "intake", "--data", "tidak-ada.json")
			seen["bad status"] = exec("", "app", "list", "--status", "lost")
			seen["not enrolled"] = exec("", "sync")
			seen["refused"] = exec("", "intake", "--data", filepath.Join(dir, "applicants", "bad-nik-sex-mismatch.json"))

			list, other := englishWords, "en"
			if lang == "en" {
				list, other = indonesianWords, "id"
			}
			// What was read is what an officer sees, and the list would
			// catch the other language: the test can fail.
			want := map[string][]string{"id": {"Pemakaian:", "Jenis permohonan", "galat: ", "Ringkasan"}, "en": {"Usage:", "Application type", "error: ", "Summary"}}[lang]
			all := strings.Join(func() []string {
				var v []string
				for _, s := range seen {
					v = append(v, s)
				}
				return v
			}(), "\n")
			for _, w := range want[:3] {
				if !strings.Contains(all, w) {
					t.Errorf("no %q in what was read: the runs did not show what an officer sees", w)
				}
			}
			// Review notes are sentences, not the checks' codes.
			for _, code := range []string{"name_single", "nik_unknown_province", "duplicate_nik"} {
				if strings.Contains(seen["review"], code) {
					t.Errorf("review shows the code %s:\n%s", code, seen["review"])
				}
			}
			if !strings.Contains(seen["review"], map[string]string{"id": "kode provinsi 99 tidak dikenal", "en": "province code 99 is unknown"}[lang]) {
				t.Errorf("review does not say the province code is unknown:\n%s", seen["review"])
			}
			var out, errb bytes.Buffer
			run(context.Background(), []string{"intake", "--help", "--lang", other}, strings.NewReader(""), &out, &errb, getenv)
			if len(wordsIn(out.String(), list)) == 0 {
				t.Errorf("the word list finds nothing in intake --help --lang %s either", other)
			}
			var keys []string
			for k := range seen {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				for _, w := range wordsIn(seen[k], list) {
					t.Errorf("%s: %s", k, w)
				}
			}
		})
	}
}
