package main

import (
	"strings"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
)

// hints says, for each error code of the domain, what the person at the
// keyboard can run to get past it. The domain names no command; the
// command line does, here, in both languages. An error that carries its own
// hint (a domain hint that names no command, or one made by a command)
// keeps it.
var hints = map[string]lang.Text{
	intake.CodeNotLoggedIn: lang.T("masuk dengan: jemput login --nip NIP",
		"log in with: jemput login --nip NIP"),
	intake.CodeSessionExpired: lang.T("masuk lagi dengan: jemput login --nip NIP",
		"log in again with: jemput login --nip NIP"),
	intake.CodeForbidden: lang.T("minta pengawas masuk: jemput login --nip NIP",
		"ask a supervisor to log in: jemput login --nip NIP"),
	intake.CodeLocked: lang.T("tunggu, atau minta pengawas membukanya: jemput officer unlock --nip NIP",
		"wait, or ask a supervisor to unlock it: jemput officer unlock --nip NIP"),
	intake.CodeNoEvent: lang.T("pengawas membuka acara dengan: jemput event open --type eazy-paspor --name NAMA --place TEMPAT",
		"a supervisor opens one with: jemput event open --type eazy-paspor --name NAME --place PLACE"),
	intake.CodeEventOpen: lang.T("tutup dulu dengan: jemput event close",
		"close it first with: jemput event close"),
	intake.CodeOpenWork: lang.T("setujui atau kembalikan dulu (jemput review), selesaikan draf (jemput intake --resume ID), atau tutup juga dengan: jemput event close --force",
		"approve or return them first (jemput review), finish the drafts (jemput intake --resume ID), or close all the same with: jemput event close --force"),
	intake.CodeNotInit: lang.T("buat dengan: jemput init --kit-code KODE --office KANTOR --supervisor-nip NIP --supervisor-name NAMA (atau pakai --home)",
		"create one with: jemput init --kit-code CODE --office OFFICE --supervisor-nip NIP --supervisor-name NAME (or use --home)"),
	intake.CodeKitExists: lang.T("pakai --home untuk kit lain",
		"use --home for another kit"),
	intake.CodeNotEnrolled: lang.T("daftarkan dengan: jemput enroll --central URL --token TOKEN",
		"enroll it with: jemput enroll --central URL --token TOKEN"),
	intake.CodeNoRosterEntry: lang.T("lihat daftar dengan: jemput roster list",
		"see the roster with: jemput roster list"),
	intake.CodeRosterMismatch: lang.T("periksa KTP pemohon dan nomor di daftar (jemput roster list); bila memang orang yang sama, ulangi dengan --confirm-roster",
		"check the applicant's ID card and the roster entry (jemput roster list); if it really is the same person, run it again with --confirm-roster"),
	intake.CodeRosterRefused: lang.T("perbaiki berkasnya, atau impor baris yang benar saja dengan --skip-invalid",
		"fix the file, or import only the good rows with --skip-invalid"),
	intake.CodeSyncOverdue: lang.T("pengawas menjalankan jemput sync, atau jemput sync export --out FILE ke flashdisk",
		"a supervisor runs jemput sync, or jemput sync export --out FILE to a USB stick"),
	intake.CodeNotReady: lang.T("tarik status dari kantor dengan: jemput sync",
		"pull the office's statuses with: jemput sync"),
	intake.CodeOnItsWay: lang.T("jalankan jemput sync (atau jemput sync import-acks) dulu; sesudah itu pembatalan adalah urusan kantor",
		"run jemput sync (or jemput sync import-acks) first; after that, cancelling is the office's decision"),
	intake.CodeStillDraft: lang.T("lanjutkan dengan: jemput intake --resume {ref}",
		"go on with: jemput intake --resume {ref}"),
	intake.CodeUnchanged: lang.T("ubah isian yang salah (nilainya sekarang: jemput app show {ref}), atau biarkan saja",
		"change the field that is wrong (its value now: jemput app show {ref}), or leave it as it is"),
	intake.CodeIncomplete: lang.T("catat dokumennya dulu dengan: jemput app edit {ref} --data FILE.json",
		"record the documents first with: jemput app edit {ref} --data FILE.json"),
	intake.CodeBusy: lang.T("tunggu perintah jemput lain di laptop ini selesai, lalu coba lagi",
		"wait for the other jemput command on this laptop to finish, then try again"),
	intake.CodeTampered: lang.T("kit.db diubah di luar jemput: jangan lanjutkan; pengawas menjalankan jemput doctor dan jemput audit verify, lalu melapor ke kantor",
		"kit.db was changed outside jemput: stop; a supervisor runs jemput doctor and jemput audit verify, then tells the office"),
	intake.CodeLegacyKit: lang.T("pengawas masuk dulu dengan: jemput login --nip NIP (kit dienkripsi saat itu)",
		"a supervisor logs in first with: jemput login --nip NIP (the kit is encrypted then)"),
	intake.CodeNoKeySlot: lang.T("minta pengawas memberi PIN baru: jemput officer reset-pin --nip NIP",
		"ask a supervisor for a new PIN: jemput officer reset-pin --nip NIP"),
	intake.CodeDiskFull: lang.T("kosongkan ruang disk (jangan hapus folder kit), lalu coba lagi",
		"free some disk space (not in the kit's folder), then try again"),
}

// hintFor is the hint to show with e: its own, else the one for its code,
// with {ref} replaced by the application it is about.
func hintFor(e *intake.Error) lang.Text {
	if !e.Hint.IsZero() {
		return e.Hint
	}
	h := hints[e.Code]
	r := strings.NewReplacer("{ref}", e.Ref)
	return lang.T(r.Replace(h.ID), r.Replace(h.EN))
}
