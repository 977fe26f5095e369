package sync_test

// BenchmarkSyncShaped is PRODUCT.md section 9's sync target: a kit's sync
// of N applications with photos through a link shaped to a set rate and
// round-trip time, against the physical limit of that link and beside a
// one-request-per-record baseline in the same run (scripts/bench prints
// the ratios). Sub-benchmarks:
//
//	jemput    sync.Run with a KitSide in memory: attachment state, one
//	          upload of every photo, one batch (up to 500 records), statuses
//	baseline  for each application in turn: its photo's state, an upload
//	          of that photo, a batch of that one record; then statuses
//
// Each op syncs N fresh applications (new ids, new photos) over a fresh
// connection to a fresh office. -count repeats each sub-benchmark before
// the next, so scripts/bench runs one process per round to alternate them.
//
// The link: kit client → toxiproxy (in process, loopback) → a counting
// listener → the central office (SQLite in b.TempDir, NewOffice,
// server.New). Each direction of the proxy has a latency toxic of half the
// round-trip time followed by a bandwidth toxic of the rate, in that
// order: toxiproxy's latency toxic delays a chunk relative to the moment
// the proxy read it, so after a bandwidth toxic it would overlap the
// transmission time instead of adding to it.
//
// Tunables (environment):
//
//	SYNC_PROFILE    edge, satellite, fast or default (see linkProfiles):
//	                the sub-benchmark's name and the defaults below
//	SYNC_N          applications per sync (the profile's)
//	SYNC_RATE_KBPS  link rate in kilobytes (1000 bytes) per second, each
//	                direction: toxiproxy's unit (the profile's)
//	SYNC_RTT_MS     round-trip time in ms (the profile's)
//
// Metrics, per sync:
//
//	payload-B/op  record JSON bytes (uncompressed, as json.Marshal of each
//	              record) + photo bytes
//	wire-B/op     bytes the office's connections read and wrote: HTTP
//	              request and answer heads and bodies, both directions
//	              (TCP/IP headers not counted: the same for any protocol)
//	limit-s/op    the physical limit: payload / rate + k × RTT, k = 4, the
//	              round trips the protocol cannot do without (attachment
//	              state, upload, batch, statuses, each waiting for the
//	              answer before it)
//	x-limit       elapsed / limit (target ≤ 1.15)
//	overhead-%    (wire − payload) / payload × 100 (target ≤ 5); zstd
//	              compresses the records, so this may be below 0
//	reqs/op       HTTP requests the office answered
//
//	records-B/op  the records' part of payload-B/op
//	wire-up-B/op, wire-down-B/op  wire-B/op by direction
//
// What toxiproxy models: a pipe with a large buffer and no loss. TCP ends
// on loopback at both sides of the proxy, so TCP slow start, the
// handshake and the kernel's buffers cost nothing over the shaped part:
// over a real link add one round trip (TCP) plus one or two (TLS) to both
// the elapsed time and the limit. The bandwidth toxic forwards each chunk
// the proxy read (at most 32 KiB) whole after its transmission time, in
// slices of 100 ms at low rates; the latency toxic holds up to 1024
// chunks, so a request's bytes are in flight at once, as on a real link.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/google/uuid"
	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/server"
	"github.com/jemput/jemput/central/sqlite"
	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
	ksync "github.com/jemput/jemput/sync"
	"github.com/rs/zerolog"
)

const (
	benchKit = "KTB01"
	// benchPhotoSize is the size of the fixtures' 413×531 JPEG.
	benchPhotoSize = 49404
	// roundTrips is k of the physical limit: state, upload, batch,
	// statuses.
	roundTrips = 4
)

// shapedLink is the link's settings.
type shapedLink struct {
	n        int
	rateKBps int64 // kilobytes (1000 bytes) per second, each direction
	rtt      time.Duration
}

func (l shapedLink) bytesPerSecond() float64 { return float64(l.rateKBps) * 1000 }

// limit is the physical limit of sending payload bytes over the link.
func (l shapedLink) limit(payload int64) time.Duration {
	return time.Duration(float64(payload)/l.bytesPerSecond()*float64(time.Second)) + roundTrips*l.rtt
}

func envInt(b *testing.B, name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// linkProfiles are the links of PRODUCT.md section 9 and issue 9, with
// the number of applications one sync of each carries by default (so
// that a round of make bench stays within a minute or so per link):
//
//	edge       2G/EDGE at an event far from town: 10 KB/s (80 kbit/s),
//	           600 ms round trips
//	satellite  a VSAT link: 256 KB/s (about 2 Mbit/s), 600 ms
//	fast       an office LAN or a good 4G link: 20 MB/s, 20 ms
//	default    the figure of earlier runs: 256 KB/s, 100 ms
var linkProfiles = map[string]shapedLink{
	"edge":      {n: 3, rateKBps: 10, rtt: 600 * time.Millisecond},
	"satellite": {n: 20, rateKBps: 256, rtt: 600 * time.Millisecond},
	"fast":      {n: 200, rateKBps: 20000, rtt: 20 * time.Millisecond},
	"default":   {n: 50, rateKBps: 256, rtt: 100 * time.Millisecond},
}

// linkFromEnv is SYNC_PROFILE's link (default: "default"), each of its
// settings overridden by SYNC_N, SYNC_RATE_KBPS, SYNC_RTT_MS when set.
func linkFromEnv(b *testing.B) (string, shapedLink) {
	name := os.Getenv("SYNC_PROFILE")
	if name == "" {
		name = "default"
	}
	l, ok := linkProfiles[name]
	if !ok {
		b.Fatalf("SYNC_PROFILE=%q: want edge, satellite, fast or default", name)
	}
	l.n = int(envInt(b, "SYNC_N", int64(l.n)))
	l.rateKBps = envInt(b, "SYNC_RATE_KBPS", l.rateKBps)
	l.rtt = time.Duration(envInt(b, "SYNC_RTT_MS", l.rtt.Milliseconds())) * time.Millisecond
	return name, l
}

// wireCount counts the bytes of the office's connections and its
// requests.
type wireCount struct {
	in, out, reqs, conns atomic.Int64
}

func (w *wireCount) reset() {
	w.in.Store(0)
	w.out.Store(0)
	w.reqs.Store(0)
	w.conns.Store(0)
}

type countingListener struct {
	net.Listener
	w *wireCount
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.w.conns.Add(1)
	return &countingConn{Conn: c, w: l.w}, nil
}

type countingConn struct {
	net.Conn
	w *wireCount
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.w.in.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.w.out.Add(int64(n))
	return n, err
}

// shapedOffice is an office with an enrolled kit, reachable through the
// shaped link at url.
type shapedOffice struct {
	url  string
	key  ed25519.PrivateKey
	wire *wireCount
}

func newShapedOffice(b *testing.B, link shapedLink) *shapedOffice {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "central.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	office, err := central.NewOffice(ctx, st)
	if err != nil {
		b.Fatal(err)
	}

	wire := &wireCount{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(office, nil)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.reqs.Add(1)
		h.ServeHTTP(w, r)
	})}
	go srv.Serve(countingListener{Listener: ln, w: wire})
	b.Cleanup(func() { srv.Close() })

	// Enrollment goes straight to the office: it is not what is measured.
	tok, err := office.AddKit(ctx, benchKit, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	token, err := ksync.ParseToken(tok)
	if err != nil {
		b.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := ksync.Enroll(ctx, "http://"+ln.Addr().String(), token, benchKit, key); err != nil {
		b.Fatal(err)
	}

	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	proxy := toxiproxy.NewProxy(api, "office", "127.0.0.1:0", ln.Addr().String())
	half := (link.rtt / 2).Milliseconds()
	for _, dir := range []string{"upstream", "downstream"} {
		for _, t := range []string{
			fmt.Sprintf(`{"name": "latency_%s", "type": "latency", "stream": %q, "toxicity": 1, "attributes": {"latency": %d}}`, dir, dir, half),
			fmt.Sprintf(`{"name": "bandwidth_%s", "type": "bandwidth", "stream": %q, "toxicity": 1, "attributes": {"rate": %d}}`, dir, dir, link.rateKBps),
		} {
			if _, err := proxy.Toxics.AddToxicJson(strings.NewReader(t)); err != nil {
				b.Fatalf("toxic %s: %v", t, err)
			}
		}
	}
	if err := proxy.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(proxy.Stop)
	return &shapedOffice{url: "http://" + proxy.Listen, key: key, wire: wire}
}

func (o *shapedOffice) client(b *testing.B) *ksync.Client {
	c, err := ksync.NewClient(o.url, benchKit, o.key, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchKitSide is a kit's pending records and photos, in memory.
type benchKitSide struct {
	page    int // records per page of Pending; 0: 3
	records []ksync.Record
	photos  map[string][]byte

	mu     gosync.Mutex
	acks   map[string]ksync.Ack
	cursor int64
}

var _ ksync.KitSide = (*benchKitSide)(nil)

// Pending gives the pending records a page at a time (k.page, 0: 3,
// small so that every test walks several pages), the lock not held while
// fn runs, as the kit holds no transaction.
func (k *benchKitSide) Pending(ctx context.Context, fn func([]ksync.Record, []ksync.Photo) error) error {
	for i := 0; ; {
		k.mu.Lock()
		size := k.page
		if size <= 0 {
			size = 3
		}
		var rs []ksync.Record
		var ps []ksync.Photo
		for ; i < len(k.records) && len(rs) < size; i++ {
			r := k.records[i]
			if a, ok := k.acks[r.ID()]; ok && a.Final() {
				continue
			}
			rs = append(rs, r)
			ps = append(ps, ksync.Photo{SHA256: r.Photo, Size: int64(len(k.photos[r.Photo]))})
		}
		k.mu.Unlock()
		if len(rs) == 0 {
			return nil
		}
		if err := fn(rs, ps); err != nil {
			return err
		}
	}
}

func (k *benchKitSide) Photo(_ context.Context, sha string) ([]byte, error) {
	p, ok := k.photos[sha]
	if !ok {
		return nil, fmt.Errorf("no photo %s", sha)
	}
	return p, nil
}

func (k *benchKitSide) SaveAcks(_ context.Context, acks []ksync.Ack) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, a := range acks {
		k.acks[a.ID] = a
	}
	return nil
}

func (k *benchKitSide) StatusCursor(context.Context) (int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.cursor, nil
}

func (k *benchKitSide) SaveStatuses(_ context.Context, s ksync.Statuses) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cursor = s.Last
	return nil
}

// Realistic applicants: the adult-new fixture's shape, with names,
// places and numbers that vary as they would in a day's intake.
var (
	benchGiven   = []string{"Muhammad", "Siti", "Ahmad", "Nur", "Rizky", "Dewi", "Budi", "Halimah", "Fajar", "Putri", "Agus", "Rahmawati"}
	benchMiddle  = []string{"Rizky", "Aminah", "Fauzi", "Lestari", "Hidayat", "Safitri", "Saputra", "Wulandari"}
	benchFamily  = []string{"Pratama", "Nugroho", "Setiawan", "Kusuma", "Hakim", "Rahman", "Santoso", "Maulana", "Utami", "Syahputra"}
	benchJobs    = []string{"Nelayan", "Petani", "Wiraswasta", "Guru", "Karyawan Swasta", "Ibu Rumah Tangga", "Pedagang", "Pelajar/Mahasiswa"}
	benchPlaces  = []string{"Kotabaru", "Batulicin", "Banjarmasin", "Tanah Bumbu", "Pagatan", "Sungai Danau"}
	benchVillage = []string{"Stagen", "Hilir Muara", "Semayap", "Baharu", "Dirgahayu", "Sebatung", "Tanjung Serudung"}
	benchMothers = []string{"Halimah", "Aisyah", "Fatimah", "Rohani", "Salmah", "Jamilah", "Mariam"}
)

// benchApplication makes application i, with a fresh id, and its own photo of random bytes (the office checks
// only their SHA-256).
func benchApplication(b *testing.B, i int) (ksync.Record, []byte) {
	photo := make([]byte, benchPhotoSize+i%7*113)
	rand.Read(photo)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])

	pick := func(list []string, k int) string { return list[k%len(list)] }
	given, middle, family := pick(benchGiven, i), pick(benchMiddle, i/3), pick(benchFamily, i/7)
	male := i%2 == 0
	day, month, year := 1+i%28, 1+i%12, 1960+i%45
	nikDay := day
	sex := "M"
	if !male {
		nikDay += 40
		sex = "F"
	}
	district := fmt.Sprintf("63.02.%02d", 1+i%9)
	nik := fmt.Sprintf("6302%02d%02d%02d%02d%04d", 1+i%9, nikDay, month, year%100, 1+i%9999)
	birth := fmt.Sprintf("%04d-%02d-%02d", year, month, day)
	name := given + " " + middle + " " + family
	validity := 10
	doc := intake.Document{
		Values: map[string]any{
			"application_type": "new", "passport_kind": "electronic", "validity_years": validity,
			"full_name": name, "nik": nik, "kk_number": fmt.Sprintf("6302%02d12031%05d", 1+i%9, 10+i),
			"sex": sex, "birth_place": pick(benchPlaces, i/2), "birth_date": birth, "marital_status": "married",
			"occupation": pick(benchJobs, i/5), "mother_name": pick(benchMothers, i/4),
			"address": fmt.Sprintf("Jl. Raya %s No. %d, RT %02d/RW %02d, Desa %s, Pulau Laut Utara, Kotabaru",
				pick(benchVillage, i), 1+i%97, 1+i%12, 1+i%5, pick(benchVillage, i/2)),
			"phone":     fmt.Sprintf("0812%08d", 34567890+i*7919),
			"email":     fmt.Sprintf("%s.%s%d@example.com", lower(given), lower(family), i),
			"documents": []string{"ktp", "kk", "birth-certificate"},
		},
		Derived: map[string]any{
			"age": 2026 - year, "birth_date_from_nik": birth, "district": district, "fee": 950000, "minor": false,
			"mrz_name": upper(family) + "<<" + upper(given) + "<" + upper(middle), "mrz_truncated": false,
			"province": "63", "province_name": "Kalimantan Selatan", "regency": "63.02", "regency_name": "Kotabaru",
			"name_as_printed": upper(family) + ", " + upper(given) + " " + upper(middle), "sex_from_nik": sex,
		},
		Received: []string{"ktp", "kk", "birth-certificate"},
		Fee: forms.Fee{Total: 950000, Lines: []forms.FeeLine{{
			Label: lang.Text{ID: "Paspor biasa elektronik, 10 tahun", EN: "Ordinary electronic passport, 10 years"}, Amount: 950000}}},
		Photo: &intake.Attachment{SHA256: sha, Size: len(photo), Width: 413, Height: 531, Type: "image/jpeg"},
	}
	js, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC).Add(time.Duration(i) * 97 * time.Second)
	const supervisor = "198001012005011001"
	officer := fmt.Sprintf("1990%02d%02d2020121%03d", 1+i%12, 1+i%28, 1+i%4)
	rec := ksync.Record{
		AppID: uuid.NewString(), Version: 1, Number: fmt.Sprintf("%s-261127-%04d-%d", benchKit, i+1, (i+5)%10),
		Kit: benchKit, Form: "passport", FormVersion: 1, Status: "approved",
		Event:     ksync.Event{ID: "0b6c1a8e-3f0e-4c55-9a51-5d1a2f7e9c10", Type: "eazy-paspor", Name: "Eazy Paspor Kotabaru", Place: "Kotabaru", Date: "2026-11-27"},
		Officer:   ksync.Officer{NIP: officer, Name: "Petugas " + pick(benchGiven, i+3)},
		CreatedAt: at, Doc: js, Photo: sha,
	}
	return rec, photo
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// newBenchKitSide makes n fresh applications: new ids and new photos,
// so that nothing is already at the office.
func newBenchKitSide(b *testing.B, n int) (k *benchKitSide, recordBytes, photoBytes int64) {
	k = &benchKitSide{photos: map[string][]byte{}, acks: map[string]ksync.Ack{}}
	for i := range n {
		r, p := benchApplication(b, i)
		js, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		recordBytes += int64(len(js))
		photoBytes += int64(len(p))
		k.records = append(k.records, r)
		k.photos[r.Photo] = p
	}
	return k, recordBytes, photoBytes
}

func BenchmarkSyncShaped(b *testing.B) {
	profile, link := linkFromEnv(b)
	b.Run(profile, func(b *testing.B) { syncShaped(b, link) })
}

func syncShaped(b *testing.B, link shapedLink) {
	b.Logf("link %d KB/s each way, RTT %s, %d applications", link.rateKBps, link.rtt, link.n)
	b.Run("jemput", func(b *testing.B) {
		benchSync(b, link, func(ctx context.Context, c *ksync.Client, k *benchKitSide) error {
			rep, err := ksync.Run(ctx, c, k, ksync.RunOptions{MaxAttempts: 1})
			if err != nil {
				return err
			}
			if rep.Stored != len(k.records) || rep.Missing != 0 {
				return fmt.Errorf("report %+v, want %d stored", rep, len(k.records))
			}
			return nil
		})
	})
	b.Run("baseline", func(b *testing.B) {
		benchSync(b, link, baselineSync)
	})
}

// baselineSync is the naive client: for each application, one request
// after another, its photo's state, an upload of that photo and a batch of
// that one record; then the statuses, once, as Run does.
func baselineSync(ctx context.Context, c *ksync.Client, k *benchKitSide) error {
	for _, r := range k.records {
		st, err := c.AttachmentState(ctx, []string{r.Photo})
		if err != nil {
			return err
		}
		data := k.photos[r.Photo]
		if held := st.Held[r.Photo]; held < int64(len(data)) {
			if _, err := c.Upload(ctx, []ksync.UploadPart{{SHA256: r.Photo, Total: int64(len(data)), Offset: held, Data: data}}, 0, nil); err != nil {
				return err
			}
		}
		acks, err := c.SendBatch(ctx, ksync.Batch{BatchID: uuid.NewString(), Records: []ksync.Record{r}})
		if err != nil {
			return err
		}
		if len(acks) != 1 || acks[0].Result != ksync.AckStored {
			return fmt.Errorf("record %s: acks %+v", r.ID(), acks)
		}
		if err := k.SaveAcks(ctx, acks); err != nil {
			return err
		}
	}
	s, err := c.Statuses(ctx, 0)
	if err != nil {
		return err
	}
	return k.SaveStatuses(ctx, s)
}

func benchSync(b *testing.B, link shapedLink, sync func(context.Context, *ksync.Client, *benchKitSide) error) {
	ctx := context.Background()
	office := newShapedOffice(b, link)
	var elapsed time.Duration
	var records, payload, wire, up, down, reqs int64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		k, r, p := newBenchKitSide(b, link.n)
		c := office.client(b) // a cold connection, as a kit's daily sync
		office.wire.reset()
		b.StartTimer()
		start := time.Now()
		if err := sync(ctx, c, k); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		records += r
		payload += r + p
		up += office.wire.in.Load()
		down += office.wire.out.Load()
		reqs += office.wire.reqs.Load()
	}
	wire = up + down
	n := float64(b.N)
	limit := link.limit(payload / int64(b.N))
	b.ReportMetric(float64(payload)/n, "payload-B/op")
	b.ReportMetric(float64(records)/n, "records-B/op")
	b.ReportMetric(float64(wire)/n, "wire-B/op")
	b.ReportMetric(float64(up)/n, "wire-up-B/op")
	b.ReportMetric(float64(down)/n, "wire-down-B/op")
	b.ReportMetric(float64(reqs)/n, "reqs/op")
	b.ReportMetric(elapsed.Seconds()/n, "s/op")
	b.ReportMetric(limit.Seconds(), "limit-s/op")
	b.ReportMetric(elapsed.Seconds()/n/limit.Seconds(), "x-limit")
	b.ReportMetric(100*float64(wire-payload)/float64(payload), "overhead-%")
	b.ReportMetric(float64(link.rateKBps), "rate-KB/s")
	b.ReportMetric(float64(link.rtt.Milliseconds()), "rtt-ms")
	b.ReportMetric(float64(link.n), "apps")
}
