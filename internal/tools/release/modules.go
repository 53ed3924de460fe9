package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// unpublished are the directories of modules that are never released: the
// example programs, the benchmarks, the interoperability tests. Every other
// go.mod in the repository, except those under an internal/ directory (such
// as this tool's), is a published module.
var unpublished = []string{"examples", "bench", "interop"}

// A mod is one Go module of the repository.
type mod struct {
	Dir       string // relative to the repository, slash-separated; "." for the root
	Path      string // module path
	Published bool
	File      *modfile.File
}

// findRepo returns the repository's root: dir if set, otherwise the nearest
// directory at or above the working directory that holds go.work.
func findRepo(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.work at or above the working directory (use -repo)")
		}
		d = parent
	}
}

// isPublished applies the rule above to a module directory.
func isPublished(dir string) bool {
	if slices.Contains(unpublished, dir) {
		return false
	}
	return !slices.Contains(strings.Split(dir, "/"), "internal")
}

// loadModules finds every go.mod under repo (not under testdata, hidden or
// underscore directories), root first, then by directory.
func loadModules(repo string) ([]mod, error) {
	var mods []mod
	err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != repo && (name == "testdata" || name == "vendor" ||
			strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if d.IsDir() || name != "go.mod" {
			return nil
		}
		m, err := readModule(repo, filepath.Dir(p))
		if err != nil {
			return err
		}
		mods = append(mods, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(mods, func(a, b mod) int {
		if a.Dir == "." || b.Dir == "." {
			return boolCmp(b.Dir == ".", a.Dir == ".")
		}
		return strings.Compare(a.Dir, b.Dir)
	})
	return mods, nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func readModule(repo, dir string) (mod, error) {
	name := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return mod{}, err
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return mod{}, err
	}
	rel, err := filepath.Rel(repo, dir)
	if err != nil {
		return mod{}, err
	}
	rel = filepath.ToSlash(rel)
	if f.Module == nil {
		return mod{}, fmt.Errorf("%s: no module line", name)
	}
	return mod{Dir: rel, Path: f.Module.Mod.Path, Published: isPublished(rel), File: f}, nil
}

// published returns the published modules of mods.
func published(mods []mod) []mod {
	var out []mod
	for _, m := range mods {
		if m.Published {
			out = append(out, m)
		}
	}
	return out
}

// inRepoVersions returns, per module directory, the versions at which it
// requires other modules of the repository.
func inRepoVersions(mods []mod) map[string]map[string]string {
	paths := map[string]bool{}
	for _, m := range mods {
		paths[m.Path] = true
	}
	out := map[string]map[string]string{}
	for _, m := range mods {
		for _, r := range m.File.Require {
			if paths[r.Mod.Path] {
				if out[m.Dir] == nil {
					out[m.Dir] = map[string]string{}
				}
				out[m.Dir][r.Mod.Path] = r.Mod.Version
			}
		}
	}
	return out
}

// releaseVersion is the version the modules' go.mod files name for each
// other: every in-repo requirement must name the same one, and it must be a
// release (a pseudo-version is what no user can download).
func releaseVersion(mods []mod) (string, error) {
	var versions []string
	var errs []error
	byDir := inRepoVersions(mods)
	for _, dir := range slices.Sorted(maps.Keys(byDir)) {
		reqs := byDir[dir]
		for _, path := range slices.Sorted(maps.Keys(reqs)) {
			v := reqs[path]
			if module.IsPseudoVersion(v) {
				errs = append(errs, fmt.Errorf("%s/go.mod requires %s at the pseudo-version %s, which no user can download", dir, path, v))
			}
			if !slices.Contains(versions, v) {
				versions = append(versions, v)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	switch len(versions) {
	case 0:
		return "", errors.New("no module requires another module of the repository")
	case 1:
		return versions[0], nil
	}
	slices.Sort(versions)
	return "", fmt.Errorf("the in-repo requirements name several versions (%s); they are released together at one", strings.Join(versions, ", "))
}

// checkWork reports a module that go.work does not use.
func checkWork(repo string, mods []mod) error {
	data, err := os.ReadFile(filepath.Join(repo, "go.work"))
	if err != nil {
		return err
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, u := range wf.Use {
		used[filepath.ToSlash(filepath.Clean(u.Path))] = true
	}
	var errs []error
	for _, m := range mods {
		if !used[m.Dir] {
			errs = append(errs, fmt.Errorf("go.work does not use ./%s (module %s)", m.Dir, m.Path))
		}
	}
	return errors.Join(errs...)
}

func cmdModules(repo string, out io.Writer) error {
	mods, err := loadModules(repo)
	if err != nil {
		return err
	}
	for _, m := range mods {
		kind := "unpublished"
		if m.Published {
			kind = "published"
		}
		fmt.Fprintf(out, "%s\t%s\t%s\n", kind, m.Dir, m.Path)
	}
	return checkWork(repo, mods)
}

func modFile(mods []mod, dir string) *modfile.File {
	for _, m := range mods {
		if m.Dir == dir {
			return m.File
		}
	}
	return nil
}
