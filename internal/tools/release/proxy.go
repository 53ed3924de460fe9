package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// cmdProxy lays every published module out in dir in the layout of a Go
// module proxy (GOPROXY=file://dir): for each, @v/list, VERSION.info,
// VERSION.mod and VERSION.zip, as a tag at that version would publish them.
// It prints "path version dir" per module.
func cmdProxy(repo string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	dir := fs.String("dir", "", "the proxy directory to write (required)")
	version := fs.String("version", "", "the version to lay the modules out at (default: the one their go.mod files require of each other)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("proxy: -dir is required")
	}
	mods, err := loadModules(repo)
	if err != nil {
		return err
	}
	v := *version
	if v == "" {
		if v, err = releaseVersion(mods); err != nil {
			return err
		}
	}
	if !module.IsPseudoVersion(v) && module.CanonicalVersion(v) != v {
		return fmt.Errorf("proxy: %q is not a canonical semantic version", v)
	}
	for _, m := range published(mods) {
		if err := layOut(*dir, filepath.Join(repo, m.Dir), module.Version{Path: m.Path, Version: v}); err != nil {
			return fmt.Errorf("proxy: %s: %w", m.Path, err)
		}
		fmt.Fprintf(out, "%s %s %s\n", m.Path, v, m.Dir)
	}
	return nil
}

func layOut(proxy, dir string, mv module.Version) error {
	esc, err := module.EscapePath(mv.Path)
	if err != nil {
		return err
	}
	vdir := filepath.Join(proxy, esc, "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{mv.Version, time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return err
	}
	files := map[string][]byte{
		mv.Version + ".mod":  gomod,
		mv.Version + ".info": info,
		"list":               []byte(mv.Version + "\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(vdir, mv.Version+".zip"))
	if err != nil {
		return err
	}
	if err := zip.CreateFromDir(f, mv, dir); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
