package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// cmdPrepare prepares the files of a release: it checks the API record, sets
// every in-repo requirement to the version, moves CHANGELOG's Unreleased
// entries under it, lists the API changes since the previous release and
// prints the tags to create. It commits, tags and pushes nothing.
func cmdPrepare(repo string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("prepare", flag.ContinueOnError)
	date := fs.String("date", time.Now().UTC().Format(time.DateOnly), "the release date for CHANGELOG")
	since := fs.String("since", "", "the git revision of the previous release (default: the latest vX.Y.Z tag)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("prepare: want one argument, the version (e.g. v0.2.0)")
	}
	v := fs.Arg(0)
	if err := checkNewVersion(repo, v); err != nil {
		return err
	}
	mods, err := loadModules(repo)
	if err != nil {
		return err
	}
	if err := checkWork(repo, mods); err != nil {
		return err
	}
	records, err := apiRecords(repo, published(mods))
	if err != nil {
		return err
	}
	if err := checkRecords(repo, records, out); err != nil {
		return err
	}
	if err := setVersions(repo, mods, v); err != nil {
		return err
	}
	prev, _ := latestTag(repo)
	if err := releaseChangelog(filepath.Join(repo, "CHANGELOG.md"), v, prev, *date); err != nil {
		return err
	}
	fmt.Fprintf(out, "go.mod files: every in-repo requirement set to %s\nCHANGELOG.md: Unreleased moved under [%s] - %s\n\n", v, v[1:], *date)
	incompatible, err := apiChanges(repo, *since, out)
	if err != nil {
		return err
	}
	if incompatible > 0 && semver.Major(v) != "v0" {
		fmt.Fprintf(out, "\nWARNING: %d incompatible changes need a new major version from v1 on\n", incompatible)
	}
	fmt.Fprintln(out, "\ntags to create, after .ci/run passes and the release commit is made:")
	for _, m := range published(mods) {
		fmt.Fprintln(out, tagName(m, v))
	}
	return nil
}

// tagName is the tag Go looks for: vX.Y.Z for the root module,
// DIR/vX.Y.Z for a module in a subdirectory.
func tagName(m mod, v string) string {
	if m.Dir == "." {
		return v
	}
	return m.Dir + "/" + v
}

func checkNewVersion(repo, v string) error {
	if !semver.IsValid(v) || semver.Canonical(v) != v || semver.Build(v) != "" || module.IsPseudoVersion(v) {
		return fmt.Errorf("prepare: %q is not a release version such as v0.2.0 or v1.0.0-rc.1", v)
	}
	prev, err := latestTag(repo)
	if err != nil {
		return err
	}
	if prev != "" && semver.Compare(v, prev) <= 0 {
		return fmt.Errorf("prepare: %s is not after the latest release, %s", v, prev)
	}
	return nil
}

// setVersions rewrites every go.mod's requirements of in-repo modules to v
// (the replace directives stay, for development).
func setVersions(repo string, mods []mod, v string) error {
	for dir, reqs := range inRepoVersions(mods) {
		f := modFile(mods, dir)
		for path := range reqs {
			if err := f.AddRequire(path, v); err != nil {
				return err
			}
		}
		f.Cleanup()
		data, err := f.Format()
		if err != nil {
			return err
		}
		name := filepath.Join(repo, dir, "go.mod")
		old, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if !bytes.Equal(old, data) {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func cmdRequire(repo string, args []string, out io.Writer) error {
	if len(args) != 1 || !semver.IsValid(args[0]) {
		return errors.New("require: want one argument, a version (e.g. v0.2.0)")
	}
	mods, err := loadModules(repo)
	if err != nil {
		return err
	}
	if err := setVersions(repo, mods, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(out, "every in-repo requirement set to %s\n", args[0])
	return nil
}
