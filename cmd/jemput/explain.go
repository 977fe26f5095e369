package main

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
)

// CodeUsage is the code a usage mistake carries in --json errors.
const CodeUsage = "usage"

// explain turns what a library or the system said into a sentence in both
// languages with a hint, so that no raw "open x: no such file or
// directory" or "dial tcp ...: connection refused" reaches an officer
// alone. Domain errors pass through; anything unknown is kept as it is, as
// the cause of an internal error.
func explain(err error) *intake.Error {
	var e *intake.Error
	if errors.As(err, &e) {
		return e
	}
	if cli.IsUsage(err) {
		return usageText(err)
	}
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist):
		return &intake.Error{Code: intake.CodeNotFound, Err: err,
			Message: lang.T("berkas "+pe.Path+" tidak ada", "file "+pe.Path+" does not exist"),
			Hint:    lang.T("periksa nama dan foldernya (ls), atau beri jalur lengkap", "check its name and folder (ls), or give the full path")}
	case errors.As(err, &pe) && errors.Is(err, fs.ErrPermission):
		return &intake.Error{Code: intake.CodeForbidden, Err: err,
			Message: lang.T("tidak boleh membuka "+pe.Path, "not allowed to open "+pe.Path),
			Hint:    lang.T("periksa hak akses berkas itu (ls -l)", "check the file's permissions (ls -l)")}
	case errors.As(err, &pe) && errors.Is(err, syscall.EISDIR):
		return &intake.Error{Code: intake.CodeInvalid, Err: err,
			Message: lang.T(pe.Path+" adalah folder, bukan berkas", pe.Path+" is a folder, not a file"),
			Hint:    lang.T("beri jalur ke berkasnya", "give the path of the file")}
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		addr := ""
		if oe.Addr != nil {
			addr = oe.Addr.String()
		}
		why := lang.T("tidak bisa dihubungi", "cannot be reached")
		if errors.Is(err, syscall.ECONNREFUSED) {
			why = lang.T("menolak sambungan (layanan tidak berjalan di alamat itu?)", "refuses the connection (is the service running at that address?)")
		} else if oe.Timeout() {
			why = lang.T("tidak menjawab (waktu habis)", "does not answer (timed out)")
		}
		return &intake.Error{Code: "unreachable", Err: err,
			Message: lang.T("kantor pusat di "+addr+" "+why.ID, "the central office at "+addr+" "+why.EN),
			Hint: lang.T("periksa jaringan dan alamat kantor (jemput doctor); tanpa jaringan, kirim lewat flashdisk: jemput sync export --out FILE",
				"check the link and the office's address (jemput doctor); with no link, send on a USB stick: jemput sync export --out FILE")}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &intake.Error{Code: "unreachable", Err: err,
			Message: lang.T("nama "+dnsErr.Name+" tidak dikenal jaringan ini", "the name "+dnsErr.Name+" is not known on this network"),
			Hint:    lang.T("periksa alamat kantor dan jaringan; tanpa jaringan: jemput sync export --out FILE", "check the office's address and the link; with no link: jemput sync export --out FILE")}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &intake.Error{Code: "timeout", Err: err, Message: lang.T("waktu habis", "timed out"),
			Hint: lang.T("coba lagi; bila berulang, periksa jaringan", "try again; if it happens again, check the link")}
	}
	return &intake.Error{Code: intake.CodeInternal, Err: err, Message: lang.T("terjadi kesalahan", "something went wrong")}
}

// Cobra's own words for usage mistakes, in both languages.
var cobraWords = []struct {
	re     *regexp.Regexp
	id, en string
}{
	{regexp.MustCompile(`^required flag\(s\) (.+) not set`), "flag wajib belum diberi: $1", "required flag(s) $1 not set"}, // $1 made --name below
	{regexp.MustCompile(`^unknown flag: (\S+)`), "flag tidak dikenal: $1", "unknown flag: $1"},
	{regexp.MustCompile(`^unknown shorthand flag: (.+)`), "flag singkat tidak dikenal: $1", "unknown shorthand flag: $1"},
	{regexp.MustCompile(`^flag needs an argument: (.+)`), "flag perlu nilai: $1", "flag needs an argument: $1"},
	{regexp.MustCompile(`^invalid argument "([^"]*)" for "([^"]+)" flag: .*`), "nilai \"$1\" untuk $2 tidak sah", "invalid argument \"$1\" for \"$2\" flag"},
	{regexp.MustCompile(`^unknown command "([^"]+)" for "([^"]+)"`), "perintah tidak dikenal: \"$1\" (untuk \"$2\")", "unknown command \"$1\" for \"$2\""},
	{regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)`), "paling banyak $1 argumen, diberi $2", "accepts at most $1 arg(s), received $2"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)`), "perlu $1 argumen, diberi $2", "accepts $1 arg(s), received $2"},
	{regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)`), "perlu paling sedikit $1 argumen, diberi $2", "requires at least $1 arg(s), only received $2"},
	{regexp.MustCompile(`^if any flags in the group \[([^\]]+)\] are set none of the others can be; .*`), "flag ini tidak boleh dipakai bersama: $1", "these flags cannot be used together: $1"},
}

var quotedFlag = regexp.MustCompile(`"([a-z0-9-]+)"`)

var seeHelp = regexp.MustCompile(`(?m)^(lihat|see): (.+) --help$`)

// usageText is a usage mistake in both languages: cobra's words
// translated, the "see: … --help" line as the hint.
func usageText(err error) *intake.Error {
	var ue *cli.UsageError
	if errors.As(err, &ue) && ue.ID != "" {
		return &intake.Error{Code: CodeUsage, Message: lang.T(ue.ID, ue.Msg), Err: err}
	}
	msg := err.Error()
	hint := lang.Text{}
	if m := seeHelp.FindStringSubmatchIndex(msg); m != nil {
		path := msg[m[4]:m[5]]
		hint = lang.T("lihat: "+path+" --help", "see: "+path+" --help")
		msg = strings.TrimSpace(msg[:m[0]])
	}
	first, rest, _ := strings.Cut(msg, "\n")
	if strings.HasPrefix(first, "required flag(s) ") {
		first = quotedFlag.ReplaceAllString(first, "--$1")
	}
	text := lang.T(first, first)
	for _, w := range cobraWords {
		if w.re.MatchString(first) {
			text = lang.T(w.re.ReplaceAllString(first, w.id), w.re.ReplaceAllString(first, w.en))
			break
		}
	}
	if rest != "" {
		text = lang.T(text.ID+"\n"+rest, text.EN+"\n"+rest)
	}
	if hint.IsZero() && strings.HasPrefix(first, "unknown command") {
		hint = lang.T("daftar perintah: jemput --help", "the commands: jemput --help")
	}
	return &intake.Error{Code: CodeUsage, Message: text, Hint: hint, Err: err}
}
