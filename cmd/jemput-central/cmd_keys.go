package main

import (
	"context"
	"os"
	"strings"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/spf13/cobra"
)

func newKeysCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "The office's key file: its signing key and sealing identity, kept out of the database"}
	cmd.AddCommand(newKeysShowCommand(app), newKeysResealCommand(app, nil))
	return cmd
}

func newKeysShowCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Say where the key file is, whether a passphrase seals it, and the office's fingerprint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			office, err := app.openOffice(cmd.Context())
			if err != nil {
				return err
			}
			kf, _ := app.keyFile()
			sealed := kf.Passphrase != ""
			if app.JSON {
				return app.WriteJSON(map[string]any{"key_file": app.Keys, "sealed": sealed, "fingerprint": office.Fingerprint()})
			}
			app.Say("Berkas kunci: %s (%s). Sidik jari kantor: %s", "Key file: %s (%s). Office fingerprint: %s", app.Keys,
				map[bool]string{true: app.T("tersegel dengan frasa sandi", "sealed with a passphrase"), false: app.T("tanpa frasa sandi, mode 0600", "no passphrase, mode 0600")}[sealed],
				office.Fingerprint())
			return nil
		},
	}
}

type keysResealOptions struct {
	NewPassphraseFile string
	Plain             bool
}

func newKeysResealCommand(app *App, runF func(context.Context, *keysResealOptions) error) *cobra.Command {
	opts := &keysResealOptions{}
	cmd := &cobra.Command{
		Use:   "reseal (--new-passphrase-file FILE | --plain)",
		Short: "Seal the key file with a new passphrase, or with none: the same keys, the same fingerprint",
		Long: `Rewrite the office's key file with the same keys under a new passphrase
(--new-passphrase-file), or with none (--plain, mode 0600 alone). The
current passphrase, if any, comes as usual (--passphrase-file or
$JEMPUT_CENTRAL_PASSPHRASE). Kits notice nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.NewPassphraseFile == "") == !opts.Plain {
				return cli.Usagef("%s", app.T("berikan --new-passphrase-file FILE atau --plain", "give --new-passphrase-file FILE or --plain"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runKeysReseal(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.NewPassphraseFile, "new-passphrase-file", "", "file holding the new passphrase")
	cmd.Flags().BoolVar(&opts.Plain, "plain", false, "no passphrase: the file's mode 0600 alone protects it")
	return cmd
}

func runKeysReseal(ctx context.Context, app *App, opts *keysResealOptions) error {
	if _, err := app.openOffice(ctx); err != nil { // the key file is this database's
		return err
	}
	kf, err := app.keyFile()
	if err != nil {
		return err
	}
	secrets, err := kf.Load()
	if err != nil {
		return err
	}
	kf.Passphrase = ""
	if opts.NewPassphraseFile != "" {
		b, err := os.ReadFile(opts.NewPassphraseFile)
		if err != nil {
			return cli.Usagef("--new-passphrase-file: %v", err)
		}
		if kf.Passphrase = strings.TrimRight(string(b), "\r\n"); kf.Passphrase == "" {
			return cli.Usagef("--new-passphrase-file %s: %s", opts.NewPassphraseFile, app.T("berkasnya kosong", "the file is empty"))
		}
	}
	if err := kf.Reseal(secrets); err != nil {
		return err
	}
	if kf.Passphrase != "" {
		app.Say("%s tersegel dengan frasa sandi baru.", "%s is sealed with the new passphrase.", kf.Path)
	} else {
		app.Say("%s tanpa frasa sandi (mode 0600).", "%s has no passphrase (mode 0600).", kf.Path)
	}
	return nil
}
