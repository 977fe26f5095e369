package main

import (
	"context"
	"crypto/ed25519"
	"os"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/vault"
	"github.com/spf13/cobra"
)

type initOptions struct {
	KitCode, Office, NIP, Name string
	Province, Zone             string
	PIN                        pinSource
}

func newInitCommand(app *App, runF func(context.Context, *initOptions) error) *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init --kit-code CODE --office NAME --supervisor-nip NIP --supervisor-name NAME",
		Short: "Set up this kit: its code, office, device key and first supervisor",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.KitCode, "kit-code", "", "kit code from the office, e.g. KTB01 (part of every application number)")
	f.StringVar(&opts.Office, "office", "", "immigration office, e.g. \"Kantor Imigrasi Batulicin\"")
	f.StringVar(&opts.NIP, "supervisor-nip", "", "the first supervisor's NIP (18 digits)")
	f.StringVar(&opts.Name, "supervisor-name", "", "the first supervisor's name")
	f.StringVar(&opts.Province, "province", "63", "the office's province code (63 = Kalimantan Selatan); it gives the kit's time zone")
	f.StringVar(&opts.Zone, "zone", "", "the kit's time zone, an IANA name such as Asia/Makassar (default: the province's)")
	f.BoolVar(&opts.PIN.stdin, "pin-stdin", false, "read the supervisor's PIN from standard input")
	for _, name := range []string{"kit-code", "office", "supervisor-nip", "supervisor-name"} {
		cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runInit(ctx context.Context, app *App, opts *initOptions) error {
	if app.initialized() {
		return intake.Errorf(intake.CodeKitExists, "sudah ada kit di %s", "there is a kit in %s already", app.Home)
	}
	zone := opts.Zone
	if zone == "" {
		if zone = intake.ZoneOfProvince(opts.Province); zone == "" {
			return cli.Usagef("%s", app.T("--province "+opts.Province+": kode provinsi tidak dikenal (dua angka, misalnya 63 untuk Kalimantan Selatan); atau beri --zone",
				"--province "+opts.Province+": unknown province code (two digits, for example 63 for Kalimantan Selatan); or give --zone"))
		}
	}
	if _, err := intake.LoadZone(zone); err != nil {
		return err
	}
	pin, err := app.readPIN(opts.PIN, app.T("PIN baru pengawas", "New supervisor PIN"), true)
	if err != nil {
		return err
	}
	// Check everything before anything is written, so a typo leaves no
	// half-made kit behind.
	if err := intake.CheckPINFormat(pin); err != nil {
		return err
	}
	if err := os.MkdirAll(app.Home, 0o700); err != nil {
		return err
	}
	svc, err := app.openService(ctx)
	if err != nil {
		return err
	}
	key, err := newDeviceKey()
	if err != nil {
		return err
	}
	pub := key.Public().(ed25519.PublicKey)
	kit, sup, err := svc.InitKit(ctx, intake.InitKit{Code: opts.KitCode, Office: opts.Office, SupervisorNIP: opts.NIP, SupervisorName: opts.Name, PIN: pin, PublicKey: pub, DeviceSeed: key.Seed(), Zone: zone})
	if err == nil {
		app.kitID = kit.ID
		var secret vault.Secret
		if secret, err = svc.Secret(ctx); err == nil {
			err = app.writeSession(intake.Session{Kit: kit, Officer: sup, Secret: secret, Since: app.Now(), Until: app.Now().Add(app.ttlOr())})
		}
	}
	if err != nil {
		app.Close()
		os.Remove(app.dbPath())
		os.Remove(app.dbPath() + "-wal")
		os.Remove(app.dbPath() + "-shm")
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"kit_code": kit.Code, "office": kit.Office, "zone": kit.ZoneName(), "home": app.Home, "key_fingerprint": fingerprint(pub), "supervisor": officerJSON(sup)})
	}
	app.Say("Kit %s (%s) dibuat di %s.", "Kit %s (%s) created in %s.", kit.Code, kit.Office, app.Home)
	app.Say("Zona waktu kit: %s (%s).", "The kit's time zone: %s (%s).", kit.ZoneName(), intake.ZoneAbbrev(app.Now().In(kit.Location())))
	app.Say("Sidik kunci perangkat: %s", "Device key fingerprint: %s", fingerprint(pub))
	app.Say("Pengawas %s (%s) sudah masuk.", "Supervisor %s (%s) is logged in.", sup.Name, sup.NIP)
	return nil
}
