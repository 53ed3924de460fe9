package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/exp/apidiff"
	"golang.org/x/mod/semver"
)

func cmdDiff(repo string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	since := fs.String("since", "", "the git revision of the previous release (default: the latest vX.Y.Z tag)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := apiChanges(repo, *since, out)
	return err
}

// latestTag returns the highest vX.Y.Z tag of the root module, or "".
func latestTag(repo string) (string, error) {
	outb, err := git(repo, "tag", "--list", "v*")
	if err != nil {
		return "", err
	}
	var tags []string
	for _, t := range strings.Fields(outb) {
		if semver.IsValid(t) && semver.Canonical(t) == t {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return "", nil
	}
	semver.Sort(tags)
	return tags[len(tags)-1], nil
}

func git(repo string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(outb), nil
}

// apiChanges prints the changes to the published modules' API since the
// revision since (default: the latest release tag), as golang.org/x/exp/apidiff
// classifies them, and returns how many are incompatible.
func apiChanges(repo, since string, out io.Writer) (int, error) {
	if since == "" {
		tag, err := latestTag(repo)
		if err != nil {
			return 0, err
		}
		since = tag
	}
	oldMods := map[string][]*types.Package{}
	if since == "" {
		fmt.Fprintln(out, "no earlier release (no vX.Y.Z tag): every package is new")
	} else {
		fmt.Fprintf(out, "API changes since %s:\n", since)
		var err error
		if oldMods, err = typesAt(repo, since); err != nil {
			return 0, err
		}
	}
	mods, err := loadModules(repo)
	if err != nil {
		return 0, err
	}
	incompatible := 0
	for _, m := range published(mods) {
		pkgs, err := loadTypes(filepath.Join(repo, m.Dir))
		if err != nil {
			return 0, fmt.Errorf("module %s: %w", m.Path, err)
		}
		report := apidiff.ModuleChanges(
			&apidiff.Module{Path: m.Path, Packages: oldMods[m.Path]},
			&apidiff.Module{Path: m.Path, Packages: typesOf(pkgs)})
		incompatible += printReport(out, m.Path, report)
	}
	return incompatible, nil
}

// typesAt type-checks the published packages of the tree at a git revision,
// per module path.
func typesAt(repo, rev string) (map[string][]*types.Package, error) {
	tmp, err := os.MkdirTemp("", "gatehouse-api-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	archive := exec.Command("git", "-C", repo, "archive", "--format=tar", rev)
	untar := exec.Command("tar", "-x", "-C", tmp)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return nil, err
	}
	untar.Stdin = pipe
	if err := untar.Start(); err != nil {
		return nil, err
	}
	if err := archive.Run(); err != nil {
		return nil, fmt.Errorf("git archive %s: %w", rev, err)
	}
	if err := untar.Wait(); err != nil {
		return nil, err
	}
	mods, err := loadModules(tmp)
	if err != nil {
		return nil, err
	}
	out := map[string][]*types.Package{}
	for _, m := range published(mods) {
		pkgs, err := loadTypes(filepath.Join(tmp, m.Dir))
		if err != nil {
			return nil, fmt.Errorf("%s at %s: %w", m.Path, rev, err)
		}
		out[m.Path] = typesOf(pkgs)
	}
	return out, nil
}

func printReport(out io.Writer, path string, r apidiff.Report) int {
	var compat, incompat []string
	for _, c := range r.Changes {
		if c.Compatible {
			compat = append(compat, c.Message)
		} else {
			incompat = append(incompat, c.Message)
		}
	}
	slices.Sort(compat)
	slices.Sort(incompat)
	fmt.Fprintf(out, "%s: %d incompatible, %d compatible\n", path, len(incompat), len(compat))
	for _, m := range incompat {
		fmt.Fprintf(out, "  incompatible: %s\n", m)
	}
	for _, m := range compat {
		fmt.Fprintf(out, "  compatible:   %s\n", m)
	}
	return len(incompat)
}
