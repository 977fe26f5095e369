// Package e2e drives the real binaries end to end: a kit (jemput) and the
// central office (jemput-central serve) as separate processes, across a
// faulty link.
package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/fixtures"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	ksync "github.com/jemput/jemput/sync"
	"github.com/rs/zerolog"
)

// TestFaultExactlyOnce sends a day of applications with photos from a kit
// to the office through an in-process faulty link (toxiproxy on loopback:
// connections cut after a random number of bytes either way, the acks of
// a stored batch lost, stalls, resets, with slow, late and sliced traffic
// around them; at the end of each fault window the link drops and comes
// back clean), while the office is killed with SIGKILL mid-sync and
// restarted on the same database in about half the trials, and the kit
// itself is killed mid-sync in some. It repeats `jemput sync` until it
// succeeds and a following sync has nothing left to send; then the office
// must hold every approved version exactly once, with its photo whole, and
// every acknowledgment the kit stored must match the office. A sync that
// still runs after a minute is a hang: SIGQUIT has it print its
// goroutines, and the trial fails.
//
// JEMPUT_FAULT_TRIALS sets the number of trials (default 30; make
// test-long runs more), JEMPUT_FAULT_PARALLEL how many run at once
// (default 4), and JEMPUT_FAULT_SEED=S replays the trial whose seed was S
// (the same faults; their timing is the machine's); JEMPUT_FAULT_KEEP=1
// keeps every trial's folder (kit home, office database and logs) in the
// temporary folder, as a failed trial's always is.
//
// It runs on SQLite, and on PostgreSQL when a test server is configured
// (JEMPUT_TEST_POSTGRES, see central/postgres/pgtest), each trial on a
// database of its own.
func TestFaultExactlyOnce(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) { faultExactlyOnce(t, be) })
	}
}

func faultExactlyOnce(t *testing.T, be backend) {
	trials := envInt(t, "JEMPUT_FAULT_TRIALS", 30)
	if testing.Short() && os.Getenv("JEMPUT_FAULT_TRIALS") == "" {
		trials = 5
	}
	parallel := max(envInt(t, "JEMPUT_FAULT_PARALLEL", 4), 1)
	var seeds []uint64
	if s := os.Getenv("JEMPUT_FAULT_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("JEMPUT_FAULT_SEED=%q: %v", s, err)
		}
		seeds = []uint64{seed}
		t.Logf("replaying the trial of seed %d", seed)
	} else {
		base := uint64(time.Now().UnixNano())
		t.Logf("base seed %d: trial i has seed base+i (replay one with JEMPUT_FAULT_SEED=<its seed>)", base)
		for i := range trials {
			seeds = append(seeds, base+uint64(i))
		}
	}

	started := time.Now()
	tmpl := buildTemplate(t, be, dayApplicants)
	t.Logf("template: %d approved applications, %d photos, %d KB of photos; a clean sync sends %d bytes, the acks of the batch are bytes %d to %d of their connection (built in %s)",
		len(tmpl.apps), tmpl.photos, tmpl.photoBytes>>10, tmpl.profile.upTotal, tmpl.profile.acksFrom, tmpl.profile.acksTo, time.Since(started).Round(time.Millisecond))

	var tot totals
	started = time.Now()
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, seed := range seeds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(fmt.Sprintf("trial%03d-seed%d", i, seed), func(t *testing.T) {
				runTrial(t, tmpl, seed, &tot)
			})
		}()
	}
	wg.Wait()
	t.Logf("%d trials in %s: %d converged; %d syncs run (%d client attempts inside those that finished), %d office kills, %d kit kills, %d toxics; %d records resent to an office that held them already",
		len(seeds), time.Since(started).Round(time.Millisecond), tot.converged.Load(), tot.syncs.Load(), tot.clientAttempts.Load(),
		tot.centralKills.Load(), tot.kitKills.Load(), tot.toxics.Load(), tot.resent.Load())
}

type totals struct {
	converged, syncs, clientAttempts, centralKills, kitKills, toxics, resent atomic.Int64
}

// The applicants of the day: every valid fixture, over and over.
var dayFixtures = []string{
	"adult-new", "adult-female-renewal", "minor-new", "mononym",
	"long-name", "stay-permit-itas", "warn-unknown-province", "odd-address-markup",
}

const dayApplicants = 24

// template is a kit with a day of approved applications, enrolled with an
// office whose database is beside it; each trial works on a copy.
type template struct {
	be          backend
	code        string // the kit's code
	kitHome, db string
	apps        []expectedApp
	photos      int
	photoBytes  int64
	profile     profile
}

// profile is where things lie in the bytes of a clean sync of the
// template, on loopback: what the faults aim at.
type profile struct {
	upTotal int64 // bytes the kit sends, all connections
	// The answer to the batch of records, as offsets into what the
	// office sends on its connection: cutting there loses the acks of a
	// batch the office has stored.
	acksFrom, acksTo int64
}

// expectedApp is an approved application version that must reach the
// office exactly once.
type expectedApp struct {
	id, number string
	version    int
	photo      string // SHA-256, "" for none
	photoData  []byte
	doc        []byte
}

func (a expectedApp) recordID() string { return a.id + "/" + strconv.Itoa(a.version) }

// numberRE matches the application numbers of kit code, one a line.
func numberRE(code string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^` + code + `-\d{6}-\d{4}-[0-9A-Z]$`)
}

// buildTemplate makes kit KTB01 with a day of applicants approved,
// enrolled with a new office on be.
func buildTemplate(t *testing.T, be backend, applicants int) *template {
	return buildKitTemplate(t, be, kitCode, be.fresh(t), applicants)
}

// buildKitTemplate makes kit code with a day of applicants approved,
// enrolled with the office in db (which may hold other kits).
func buildKitTemplate(t *testing.T, be backend, code, db string, applicants int) *template {
	dir := t.TempDir()
	fx := fixtures.Dir(t)
	tm := &template{be: be, code: code, kitHome: filepath.Join(dir, "kit"), db: db}
	k := kit{home: tm.kitHome}
	numberRE := numberRE(code)

	k.must(t, "init", "--kit-code", code, "--office", "Kantor Imigrasi Batulicin",
		"--supervisor-nip", "198001012005011001", "--supervisor-name", "Rahmah")
	token := strings.TrimSpace(centralCmd(t, tm.db, "kit", "add", "--code", code))
	rng := rand.New(rand.NewPCG(1, 2))
	addr, err := freeAddr(rng)
	if err != nil {
		t.Fatal(err)
	}
	c := &central{db: tm.db, dir: dir, addr: addr}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })
	k.must(t, "enroll", "--central", c.url(), "--token", token)
	k.must(t, "event", "open", "--type", "eazy-paspor", "--name", "Eazy Paspor Kotabaru", "--place", "Kotabaru")

	// A day of applicants, most with a photo of their own; two corrected
	// before approval, so that the version the office gets is the second.
	photos := filepath.Join(dir, "photos")
	if err := os.Mkdir(photos, 0o755); err != nil {
		t.Fatal(err)
	}
	photo := func(i int) string {
		p := filepath.Join(photos, fmt.Sprintf("p%02d.jpg", i))
		if err := os.WriteFile(p, variedPhoto(t, filepath.Join(fx, "photo-413x531.jpg"), i), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var numbers []string
	for i := range applicants {
		data := filepath.Join(fx, "applicants", dayFixtures[i%len(dayFixtures)]+".json")
		args := []string{"intake", "--data", data}
		if i%6 != 5 {
			args = append(args, "--photo", photo(i))
		}
		n := numberRE.FindString(k.must(t, args...))
		if n == "" {
			t.Fatalf("intake %d printed no application number", i)
		}
		numbers = append(numbers, n)
		if i == 3 || i == 14 {
			k.must(t, "app", "edit", n, "--data", data, "--photo", photo(applicants+i%2), "--reason", "foto diganti")
		}
	}
	// --all leaves the applicants whose NIK is already in the kit (the same
	// fixtures come back): the supervisor approves those by number.
	k.must(t, "review", "approve", "--all")
	out := k.must(t, "--json", "app", "list", "--status", "captured")
	if left := numberRE.FindAllString(strings.ReplaceAll(out, `"`, "\n"), -1); len(left) > 0 {
		k.must(t, append([]string{"review", "approve"}, left...)...)
	}
	if err := c.stop(); err != nil {
		t.Fatal(err)
	}

	apps, err := approvedVersions(tm.kitHome, "approved")
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != applicants {
		t.Fatalf("%d applications approved, want all %d: %v", len(apps), applicants, numbers)
	}
	tm.apps = apps
	var dry struct {
		Records    int   `json:"records"`
		PhotoBytes int64 `json:"photo_bytes"`
	}
	if err := json.Unmarshal([]byte(k.must(t, "--json", "sync", "--dry-run")), &dry); err != nil {
		t.Fatal(err)
	}
	if dry.Records != applicants {
		t.Fatalf("sync --dry-run would send %d applications, want %d", dry.Records, applicants)
	}
	tm.photoBytes = dry.PhotoBytes
	tm.profile = measureProfile(t, tm)
	seen := map[string]bool{}
	for _, a := range apps {
		if a.photo != "" && !seen[a.photo] {
			seen[a.photo] = true
			tm.photos++
		}
	}
	return tm
}

// measureProfile syncs a copy of the template through a tap that keeps
// every byte, and finds where the acks of the batch lie.
func measureProfile(t *testing.T, tm *template) profile {
	dir := t.TempDir()
	home := filepath.Join(dir, "kit")
	if err := copyDir(home, tm.kitHome, "receipts"); err != nil {
		t.Fatal(err)
	}
	// A copy of a kit home opens nothing without a login of its own.
	kit{home: home}.must(t, "login", "--nip", supervisorNIP)
	db := tm.be.clone(t, tm.db)
	addr, err := freeAddr(rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	c := &central{db: db, dir: dir, addr: addr}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })
	tp, err := newTap(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := setOfficeURL(filepath.Join(home, "kit.db"), "http://"+tp.addr()); err != nil {
		t.Fatal(err)
	}
	kit{home: home}.must(t, "sync")
	if err := c.stop(); err != nil {
		t.Fatal(err)
	}
	tp.close()
	var p profile
	var batch *exchange
	for _, e := range tp.exchanges() {
		p.upTotal += e.upEnd - e.upStart
		if e.path == "/v1/batches" && (batch == nil || e.upEnd-e.upStart > batch.upEnd-batch.upStart) {
			batch = &e
		}
	}
	if batch == nil {
		t.Fatalf("no batch seen in a clean sync: %+v", tp.exchanges())
	}
	// Cut after the answer's first byte and before its last.
	p.acksFrom, p.acksTo = batch.downStart+1, batch.downEnd-1
	return p
}

// approvedVersions lists the kit's applications, their current version,
// photo and document, checking that every one is in status want. The
// documents are sealed: the kit is opened with its session, as the kit
// itself opens it.
func approvedVersions(home, want string) ([]expectedApp, error) {
	svc, done, err := openKit(home)
	if err != nil {
		return nil, err
	}
	defer done()
	all, err := svc.Applications(context.Background(), intake.Filter{})
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Number < all[j].Number })
	var list []expectedApp
	for _, app := range all {
		a := expectedApp{id: app.ID, number: app.Number, version: app.Version}
		if string(app.Status) != want {
			return nil, fmt.Errorf("%s is %s, want %s", a.number, app.Status, want)
		}
		if a.doc, err = json.Marshal(app.Doc); err != nil {
			return nil, fmt.Errorf("%s: document: %v", a.number, err)
		}
		if app.Doc.Photo != nil {
			a.photo = app.Doc.Photo.SHA256
			if a.photoData, err = svc.Photo(context.Background(), a.photo); err != nil {
				return nil, fmt.Errorf("%s: photo: %v", a.number, err)
			}
		}
		list = append(list, a)
	}
	return list, nil
}

// A toxic as toxiproxy's API takes it.
type toxic struct {
	Name       string           `json:"name"`
	Type       string           `json:"type"`
	Stream     string           `json:"stream"`
	Toxicity   float32          `json:"toxicity"`
	Attributes map[string]int64 `json:"attributes"`
	// whole: kept for the whole attempt, not only its fault window.
	whole bool
}

func (x toxic) String() string {
	var attrs []string
	for _, k := range []string{"bytes", "timeout", "latency", "jitter", "rate", "average_size", "size_variation", "delay"} {
		if v, ok := x.Attributes[k]; ok {
			attrs = append(attrs, fmt.Sprintf("%s=%d", k, v))
		}
	}
	s := fmt.Sprintf("%s/%s(%s)", x.Type, x.Stream, strings.Join(attrs, ","))
	if x.Toxicity < 1 {
		s += fmt.Sprintf("@%.2f", x.Toxicity)
	}
	if x.whole {
		s += "-whole"
	}
	return s
}

// attemptPlan is what goes wrong during one `jemput sync`.
type attemptPlan struct {
	toxics  []toxic
	window  time.Duration // then the link drops and comes back without the toxics not whole
	killAt  time.Duration // > 0: SIGKILL the office then, if the sync still runs
	pause   time.Duration // how long the office stays down
	killKit time.Duration // > 0: SIGKILL the kit then
}

func (a attemptPlan) String() string {
	var parts []string
	for _, x := range a.toxics {
		parts = append(parts, x.String())
	}
	s := fmt.Sprintf("[%s for %s", strings.Join(parts, " "), a.window)
	if a.killAt > 0 {
		s += fmt.Sprintf("; office killed at %s, down %s", a.killAt, a.pause)
	}
	if a.killKit > 0 {
		s += fmt.Sprintf("; kit killed at %s", a.killKit)
	}
	return s + "]"
}

func ms(rng *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Millisecond
}

func between(rng *rand.Rand, lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) }

// planTrial draws the faults of a trial: one to three faulty attempts,
// each with one or two toxics that break connections, sometimes one that
// only slows, delays or slices the traffic; in a third of the trials the
// first attempt loses the acks of the batch; the office killed in one or
// two attempts in half the trials; the kit killed now and then. Each fault
// window ends with the link dropping; attempts after the faulty ones run
// on a clean link, so that the trial converges.
func planTrial(rng *rand.Rand, p profile) []attemptPlan {
	n := 1 + rng.IntN(3)
	kills := 0
	if rng.IntN(2) == 0 {
		kills = 1 + rng.IntN(2)
	}
	plan := make([]attemptPlan, n)
	for i := range plan {
		a := &plan[i]
		a.window = ms(rng, 200, 3000)
		breaking := 1 + rng.IntN(2)
		if i == 0 && rng.IntN(3) == 0 {
			// Long enough for the kit's own retries to meet it too.
			a.toxics = append(a.toxics, acksLost(rng, p))
			a.window = ms(rng, 2000, 6000)
			breaking--
		}
		for j := range breaking {
			a.toxics = append(a.toxics, breakingToxic(rng, p, j))
		}
		if rng.IntN(2) == 0 {
			a.toxics = append(a.toxics, noiseToxic(rng))
		}
		if i < kills {
			a.killAt, a.pause = ms(rng, 1, 2000), ms(rng, 50, 600)
			// A slow link for the attempt, so that the kill lands in the
			// middle of the photos or the batches rather than after them.
			rate := max(between(rng, p.upTotal/2500, p.upTotal/1000), 64) // KB/s: 1 to 2.5 s for all
			a.toxics = append(a.toxics, toxic{Name: "slow", Type: "bandwidth", Stream: "upstream", Toxicity: 1,
				Attributes: map[string]int64{"rate": rate}, whole: true})
		}
		if rng.IntN(4) == 0 {
			a.killKit = ms(rng, 100, 2500)
		}
	}
	return plan
}

// acksLost cuts the office's answer to the batch: it has stored the
// records, the kit never hears it and must send them again. The cut lies
// where a clean sync's first connection carries that answer.
func acksLost(rng *rand.Rand, p profile) toxic {
	return toxic{Name: "acks_lost", Type: "limit_data", Stream: "downstream", Toxicity: 1,
		Attributes: map[string]int64{"bytes": between(rng, p.acksFrom, p.acksTo)}}
}

func breakingToxic(rng *rand.Rand, p profile, j int) toxic {
	stream := "upstream"
	if rng.IntN(2) == 0 {
		stream = "downstream"
	}
	x := toxic{Stream: stream, Toxicity: 1}
	if rng.IntN(4) == 0 {
		x.Toxicity = 0.5
	}
	switch rng.IntN(4) {
	case 0: // a cut upload, or a reset at a random offset
		x.Type, x.Stream = "limit_data", "upstream"
		x.Attributes = map[string]int64{"bytes": between(rng, 1024, p.upTotal)}
	case 1: // an answer cut: the office did the work, the kit never hears
		x.Type, x.Stream = "limit_data", "downstream"
		x.Attributes = map[string]int64{"bytes": between(rng, 64, p.acksTo+1024)}
	case 2: // a stall, then the connection closes
		x.Type = "timeout"
		x.Attributes = map[string]int64{"timeout": between(rng, 1000, 3000)}
	default: // a reset (RST) some time into the connection
		x.Type = "reset_peer"
		x.Attributes = map[string]int64{"timeout": between(rng, 0, 1500)}
	}
	x.Name = fmt.Sprintf("%s_%s_%d", x.Type, x.Stream, j)
	return x
}

func noiseToxic(rng *rand.Rand) toxic {
	stream := "upstream"
	if rng.IntN(2) == 0 {
		stream = "downstream"
	}
	x := toxic{Stream: stream, Toxicity: 1, whole: rng.IntN(2) == 0}
	switch rng.IntN(3) {
	case 0:
		x.Type = "latency"
		x.Attributes = map[string]int64{"latency": between(rng, 5, 200), "jitter": between(rng, 0, 50)}
	case 1:
		// size_variation below average_size: toxiproxy 2.5.0's slicer
		// panics (slice bounds) when the variation can exceed half a chunk.
		x.Type = "slicer"
		x.Attributes = map[string]int64{"average_size": between(rng, 16, 2048), "size_variation": between(rng, 0, 15), "delay": between(rng, 0, 500)}
	default:
		x.Type = "bandwidth"
		x.Attributes = map[string]int64{"rate": between(rng, 200, 4000)}
	}
	x.Name = "noise_" + x.Type + "_" + stream
	return x
}

// syncReport is what `jemput --json sync` prints.
type syncReport struct {
	Records   int `json:"records"`
	Stored    int `json:"stored"`
	Duplicate int `json:"duplicate"`
	Conflict  int `json:"conflict"`
	Missing   int `json:"missing"`
	Attempts  int `json:"attempts"`
}

const (
	maxSyncs      = 25
	trialDeadline = 3 * time.Minute
	syncTimeout   = 60 * time.Second
)

func runTrial(t *testing.T, tm *template, seed uint64, tot *totals) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 0x6a656d707574))
	dir := t.TempDir()
	home := filepath.Join(dir, "kit")
	if err := copyDir(home, tm.kitHome, "receipts"); err != nil {
		t.Fatal(err)
	}
	// A copy of a kit home opens nothing without a login of its own.
	kit{home: home}.must(t, "login", "--nip", supervisorNIP)
	db := tm.be.clone(t, tm.db)
	plan := planTrial(rng, tm.profile)
	for _, a := range plan {
		tot.toxics.Add(int64(len(a.toxics)))
	}
	t.Logf("seed %d (replay: JEMPUT_FAULT_SEED=%d go test -count=1 -run Fault -v ./e2e/)", seed, seed)
	t.Logf("faults: %v", plan)

	addr, err := freeAddr(rng)
	if err != nil {
		t.Fatal(err)
	}
	c := &central{db: db, dir: dir, addr: addr}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })

	// The faulty link: an in-process toxiproxy between the kit and the
	// office, on loopback, on a fixed address of its own.
	linkAddr, err := freeAddr(rng)
	if err != nil {
		t.Fatal(err)
	}
	// The kit was enrolled through the office's own address; point it at
	// the link instead by rewriting office.url in kit.db (simpler than
	// enrolling each trial through its own proxy: the rest of the kit's
	// enrollment, keys and pins, is the same).
	if err := setOfficeURL(filepath.Join(home, "kit.db"), "http://"+linkAddr); err != nil {
		t.Fatal(err)
	}

	k := kit{home: home}
	tr := &trialRun{t: t, k: k, c: c, tot: tot, deadline: start.Add(trialDeadline), linkAddr: linkAddr,
		srv: toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())}
	t.Cleanup(func() {
		tr.linkMu.Lock()
		defer tr.linkMu.Unlock()
		tr.stopLink()
	})
	converged := false
	var syncs, clientAttempts, centralKills, kitKills, resent int
	for syncs < maxSyncs && time.Now().Before(tr.deadline) {
		var a attemptPlan
		if syncs < len(plan) {
			a = plan[syncs]
		}
		syncs++
		res := tr.attempt(a)
		clientAttempts += res.rep.Attempts
		resent += res.rep.Duplicate
		centralKills += res.centralKills
		if res.kitKilled {
			kitKills++
		}
		if res.err != nil {
			t.Logf("sync %d: %v (%s)", syncs, res.err, lastLine(res.stderr))
			continue
		}
		// It says it is done: a sync on a clean link must find nothing
		// left to send.
		syncs++
		if err := tr.newLink(nil); err != nil {
			t.Fatal(err)
		}
		rep, stderr, err := tr.sync(context.Background(), syncTimeout)
		clientAttempts += rep.Attempts
		resent += rep.Duplicate
		if err != nil {
			t.Logf("sync %d (clean): %v (%s)", syncs, err, lastLine(stderr))
			continue
		}
		if rep.Records != 0 {
			t.Errorf("a sync exited 0 but the next one still had %d applications to send: %+v", rep.Records, rep)
			continue
		}
		converged = true
		break
	}
	tot.syncs.Add(int64(syncs))
	tot.clientAttempts.Add(int64(clientAttempts))
	tot.centralKills.Add(int64(centralKills))
	tot.kitKills.Add(int64(kitKills))
	tot.resent.Add(int64(resent))
	if !converged {
		keep := keepEvidence(t, dir, seed)
		t.Fatalf("seed %d: no convergence after %d syncs in %s; trial kept in %s\n%s", seed, syncs, time.Since(start).Round(time.Millisecond), keep, tailLines(c.logs(), 40))
	}
	tot.converged.Add(1)
	if err := c.stop(); err != nil {
		t.Error(err)
	}
	problems := verify(tm, home, db)
	if tr.hangs > 0 {
		problems = append(problems, fmt.Sprintf("%d syncs hung for %s (their goroutines are above)", tr.hangs, syncTimeout))
	}
	if out, errOut, err := k.run(context.Background(), syncTimeout, "audit", "verify"); err != nil {
		problems = append(problems, fmt.Sprintf("kit audit verify: %v\n%s%s", err, out, errOut))
	}
	t.Logf("converged after %d syncs (%d client attempts), %d office kills, %d kit kills, %d records resent, in %s",
		syncs, clientAttempts, centralKills, kitKills, resent, time.Since(start).Round(time.Millisecond))
	if os.Getenv("JEMPUT_FAULT_KEEP") != "" {
		t.Logf("trial kept in %s", keepEvidence(t, dir, seed))
	}
	if len(problems) > 0 {
		keep := keepEvidence(t, dir, seed)
		t.Errorf("seed %d: %d problems (trial kept in %s):\n%s", seed, len(problems), keep, strings.Join(problems, "\n"))
	}
}

// trialRun is the state of one trial that attempts share.
type trialRun struct {
	t        *testing.T
	k        kit
	c        *central
	srv      *toxiproxy.ApiServer
	linkAddr string
	linkMu   sync.Mutex
	proxy    *toxiproxy.Proxy // the link of the moment
	hangs    int              // syncs that outlived syncTimeout
	tot      *totals
	deadline time.Time
}

type attemptResult struct {
	rep          syncReport
	stderr       string
	err          error
	centralKills int
	kitKilled    bool
}

// attempt runs one `jemput sync` under the faults of a: the toxics are in
// place when it starts; at the end of the fault window the link drops
// (every connection through it closes) and comes back with only the
// toxics marked whole; the office is killed and restarted, the kit killed,
// when a says.
func (tr *trialRun) attempt(a attemptPlan) attemptResult {
	t := tr.t
	if err := tr.newLink(a.toxics); err != nil {
		t.Fatal(err)
	}
	var whole []toxic
	for _, x := range a.toxics {
		if x.whole {
			whole = append(whole, x)
		}
	}
	swapped := make(chan error, 1)
	window := time.AfterFunc(a.window, func() { swapped <- tr.newLink(whole) })
	defer func() {
		if window.Stop() {
			return // it never fired
		}
		if err := <-swapped; err != nil {
			t.Fatal(err)
		}
	}()

	var res attemptResult
	done := make(chan struct{})
	killDone := make(chan error, 1)
	if a.killAt > 0 {
		go func() {
			select {
			case <-done:
				killDone <- nil
				return
			case <-time.After(a.killAt):
			}
			if tr.c.kill() {
				res.centralKills++
			}
			time.Sleep(a.pause)
			killDone <- tr.c.start()
		}()
	} else {
		killDone <- nil
	}

	timeout := syncTimeout
	if a.killKit > 0 {
		timeout = a.killKit
	}
	res.rep, res.stderr, res.err = tr.sync(context.Background(), timeout)
	close(done)
	res.kitKilled = a.killKit > 0 && errors.Is(res.err, errTimedOut)
	if err := <-killDone; err != nil {
		t.Fatalf("restarting the office after a kill: %v", err)
	}
	return res
}

// newLink replaces the link by a new proxy on the same address, with the
// toxics in place before it accepts its first connection. Toxics are never
// changed on a live proxy: toxiproxy 2.5.0 does not cope with that (a
// toxic added to a connection whose chain a cleanup closed panics with an
// index out of range; one removed from a connection whose far end died
// can wait forever holding the proxy's lock, so that no new connection is
// served; one holding data that is removed behind a slow one drops what it
// held after 5 s, a hole in the middle of a TCP stream).
func (tr *trialRun) newLink(list []toxic) error {
	tr.linkMu.Lock()
	defer tr.linkMu.Unlock()
	tr.stopLink()
	p := toxiproxy.NewProxy(tr.srv, "office", tr.linkAddr, tr.c.addr)
	for _, x := range list {
		js, err := json.Marshal(x)
		if err != nil {
			return err
		}
		if _, err := p.Toxics.AddToxicJson(bytes.NewReader(js)); err != nil {
			return fmt.Errorf("adding toxic %s: %v", x, err)
		}
	}
	// The address was the previous proxy's a moment ago: try again for a
	// few seconds if it is not free yet.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := p.Start()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("starting the link on %s: %v", tr.linkAddr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tr.proxy = p
	return nil
}

// stopLink stops the current proxy, closing its connections (tr.linkMu
// held). Its listener closes first, so the address is free again at once;
// a proxy that takes longer than 5 s to stop is left to finish alone.
func (tr *trialRun) stopLink() {
	if tr.proxy == nil {
		return
	}
	p := tr.proxy
	tr.proxy = nil
	stopped := make(chan struct{})
	go func() { p.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		tr.t.Logf("the link's proxy did not stop within 5 s; left to finish alone")
	}
}

// sync runs `jemput --json sync` with a time bound, and reads its report.
func (tr *trialRun) sync(ctx context.Context, timeout time.Duration) (syncReport, string, error) {
	var rep syncReport
	// A sync that outlives syncTimeout hangs: SIGQUIT has it print where.
	sig := os.Signal(syscall.SIGQUIT)
	if timeout < syncTimeout {
		sig = os.Kill // a planned kill of the kit
	}
	began := time.Now()
	out, stderr, err := tr.k.runSignal(ctx, timeout, sig, "--json", "sync")
	if err != nil {
		if sig != os.Kill && errors.Is(err, errTimedOut) {
			tr.hangs++
			tr.t.Logf("HANG: jemput sync still ran after %s; its goroutines:\n%s", time.Since(began).Round(time.Millisecond), stderr)
		}
		return rep, stderr, err
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		return rep, stderr, fmt.Errorf("sync exited 0 but its report does not read: %v\n%s", err, out)
	}
	if d := time.Since(began); d > 15*time.Second {
		tr.t.Logf("slow: a sync took %s: %+v", d.Round(time.Millisecond), rep)
	}
	return rep, stderr, nil
}

func setOfficeURL(kitDB, url string) error {
	db, err := sql.Open("sqlite", "file:"+kitDB+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.Exec(`UPDATE office SET url = ? WHERE id = 1`, url)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return fmt.Errorf("kit.db: %d office rows updated, want 1", n)
	}
	return nil
}

// verify checks both databases once the trial has converged, and returns
// every problem found.
func verify(tm *template, home, centralDB string) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	kitDB := filepath.Join(home, "kit.db")
	checked := []string{kitDB}
	if !isPostgres(centralDB) {
		checked = append(checked, centralDB)
	}
	for _, p := range checked {
		if err := integrityCheck(p); err != nil {
			bad("%v", err)
		}
	}
	synced, serr := approvedVersions(home, "synced")
	kitPhotos := map[string][]byte{}
	for _, a := range synced {
		kitPhotos[a.photo] = a.photoData
	}
	kdb, err := openRO(kitDB)
	if err != nil {
		return append(problems, err.Error())
	}
	defer kdb.Close()
	odb, q, err := officeDB(centralDB)
	if err != nil {
		return append(problems, err.Error())
	}
	defer odb.Close()

	// The office: one record per approved version of this kit, no other.
	type officeRecord struct {
		appID, number, kit, hash string
		version                  int
		body                     []byte
	}
	records := map[string]officeRecord{}
	perApp := map[string]int{}
	rows, err := odb.Query(q(`SELECT id, app_id, version, kit, number, hash, body FROM records WHERE kit = ?`), tm.code)
	if err != nil {
		return append(problems, "office records: "+err.Error())
	}
	for rows.Next() {
		var id string
		var r officeRecord
		if err := rows.Scan(&id, &r.appID, &r.version, &r.kit, &r.number, &r.hash, &r.body); err != nil {
			rows.Close()
			return append(problems, "office records: "+err.Error())
		}
		if _, dup := records[id]; dup {
			bad("duplicated: record %s twice at the office", id)
		}
		records[id] = r
		perApp[r.appID]++
	}
	rows.Close()
	for app, n := range perApp {
		if n > 1 {
			bad("duplicated: application %s has %d records at the office", app, n)
		}
	}
	want := map[string]expectedApp{}
	for _, a := range tm.apps {
		want[a.recordID()] = a
	}
	for id, r := range records {
		if _, ok := want[id]; !ok {
			bad("record %s (%s) at the office was never approved on the kit", id, r.number)
		}
	}
	var lost, apps, conflicts, chunks int
	for _, a := range tm.apps {
		id := a.recordID()
		r, ok := records[id]
		if !ok {
			lost++
			bad("lost: %s (%s) is approved on the kit but not at the office", a.number, id)
			continue
		}
		if r.number != a.number || r.kit != tm.code || r.version != a.version || r.appID != a.id {
			bad("%s: the office holds number %s kit %s version %d app %s", id, r.number, r.kit, r.version, r.appID)
		}
		var rec ksync.Record
		if err := json.Unmarshal(r.body, &rec); err != nil {
			bad("%s: office body: %v", id, err)
			continue
		}
		if h := rec.Hash(); h != r.hash {
			bad("%s: the office's body hashes to %s, its hash column says %s", id, h, r.hash)
		}
		if rec.Photo != a.photo {
			bad("%s: photo %q at the office, %q on the kit", id, rec.Photo, a.photo)
		}
		if !sameJSON(rec.Doc, a.doc) {
			bad("%s: the document at the office differs from the kit's version", id)
		}
		var version int
		if err := odb.QueryRow(q(`SELECT version FROM applications WHERE app_id = ?`), a.id).Scan(&version); err != nil {
			bad("%s: office application: %v", a.number, err)
		} else if version != a.version {
			bad("%s: office application at version %d, kit approved %d", a.number, version, a.version)
		}
		if a.photo != "" {
			var total, held int64
			var complete bool
			var data []byte
			err := odb.QueryRow(q(`SELECT total, held, complete, data FROM attachments WHERE sha256 = ?`), a.photo).Scan(&total, &held, &complete, &data)
			kitData, kerr := kitPhotos[a.photo], error(nil)
			if kitData == nil {
				kerr = errors.New("not on the kit")
			}
			sum := sha256.Sum256(data)
			switch {
			case err != nil:
				bad("%s: photo %s at the office: %v", a.number, a.photo, err)
			case kerr != nil:
				bad("%s: photo %s on the kit: %v", a.number, a.photo, kerr)
			case !complete || held != total || int64(len(data)) != total:
				bad("%s: photo %s at the office: complete %t, held %d of %d, %d bytes stored", a.number, a.photo, complete, held, total, len(data))
			case hex.EncodeToString(sum[:]) != a.photo:
				bad("%s: photo %s at the office hashes to %x", a.number, a.photo, sum)
			case !bytes.Equal(data, kitData):
				bad("%s: photo %s differs between the office and the kit", a.number, a.photo)
			}
		}
	}
	odb.QueryRow(q(`SELECT count(*) FROM applications WHERE kit = ?`), tm.code).Scan(&apps)
	if apps != len(tm.apps) {
		bad("the office has %d applications, the kit approved %d", apps, len(tm.apps))
	}
	odb.QueryRow(q(`SELECT count(*) FROM conflicts WHERE kit = ?`), tm.code).Scan(&conflicts)
	if conflicts != 0 {
		bad("the office recorded %d conflicts: a resend changed content", conflicts)
	}
	var partial int
	odb.QueryRow(`SELECT count(*) FROM attachments WHERE NOT complete`).Scan(&partial)
	odb.QueryRow(`SELECT count(*) FROM attachment_chunks`).Scan(&chunks)
	if partial != 0 || chunks != 0 {
		bad("the office has %d attachments not whole and %d chunks left", partial, chunks)
	}

	// The kit: every approved version synced, acked as held, with the
	// office's hash.
	if serr != nil {
		bad("kit: %v", serr)
	} else if len(synced) != len(tm.apps) {
		bad("kit: %d applications synced, want %d", len(synced), len(tm.apps))
	}
	acks := map[string]bool{}
	rows, err = kdb.Query(`SELECT record_id, hash, result FROM acks`)
	if err != nil {
		return append(problems, "kit acks: "+err.Error())
	}
	for rows.Next() {
		var id, hash, result string
		if err := rows.Scan(&id, &hash, &result); err != nil {
			bad("kit acks: %v", err)
			break
		}
		acks[id] = true
		if result != ksync.AckStored && result != ksync.AckDuplicate {
			bad("kit: ack of %s is %q", id, result)
		}
		r, ok := records[id]
		switch {
		case !ok:
			bad("kit: ack of %s (%s) but the office holds no such record", id, result)
		case r.hash != hash:
			bad("kit: ack of %s has hash %s, the office holds %s", id, hash, r.hash)
		}
	}
	rows.Close()
	for _, a := range tm.apps {
		if !acks[a.recordID()] {
			bad("kit: no ack for %s (%s)", a.number, a.recordID())
		}
	}
	return problems
}

// sameJSON compares two JSON documents by value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// keepEvidence copies a failed trial's folder (kit home, office database,
// office logs) out of the test's temporary folder, which is removed.
func keepEvidence(t *testing.T, dir string, seed uint64) string {
	keep := filepath.Join(os.TempDir(), fmt.Sprintf("jemput-fault-%d", seed))
	os.RemoveAll(keep)
	if err := copyDir(keep, dir); err != nil {
		t.Logf("keeping the trial's files: %v", err)
	}
	return keep
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
