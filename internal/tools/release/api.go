package main

import (
	"errors"
	"flag"
	"fmt"
	"go/types"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// regenerate is what a developer runs when the API changed on purpose.
const regenerate = "go run ./internal/tools/release api"

// recordName is the file under api/ that holds a module's exported API.
func recordName(m mod) string {
	if m.Dir == "." {
		return "gatehouse.txt"
	}
	return strings.ReplaceAll(m.Dir, "/", "-") + ".txt"
}

func cmdAPI(repo string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("api", flag.ContinueOnError)
	check := fs.Bool("check", false, "fail when the code's API differs from api/ (print the difference)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mods, err := loadModules(repo)
	if err != nil {
		return err
	}
	records, err := apiRecords(repo, published(mods))
	if err != nil {
		return err
	}
	if *check {
		return checkRecords(repo, records, out)
	}
	return writeRecords(repo, records, out)
}

// apiRecords returns, per file name under api/, the lines of the exported
// API of the modules' packages.
func apiRecords(repo string, mods []mod) (map[string][]string, error) {
	records := map[string][]string{}
	for _, m := range mods {
		pkgs, err := loadTypes(filepath.Join(repo, m.Dir))
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Path, err)
		}
		var lines []string
		for _, p := range pkgs {
			lines = append(lines, packageAPI(p.Types)...)
		}
		slices.Sort(lines)
		records[recordName(m)] = lines
	}
	return records, nil
}

// loadTypes type-checks the public packages of the module in dir: no
// internal package, no command, no test.
func loadTypes(dir string) ([]*packages.Package, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedModule,
		Dir:  dir,
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, err
	}
	var errs []error
	var out []*packages.Package
	for _, p := range pkgs {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
		if p.Name == "main" || isInternal(p.PkgPath) {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *packages.Package) int { return strings.Compare(a.PkgPath, b.PkgPath) })
	return out, errors.Join(errs...)
}

func isInternal(path string) bool {
	return slices.Contains(strings.Split(path, "/"), "internal")
}

func writeRecords(repo string, records map[string][]string, out io.Writer) error {
	dir := filepath.Join(repo, "api")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, name := range old {
		if _, ok := records[filepath.Base(name)]; !ok {
			if err := os.Remove(name); err != nil {
				return err
			}
		}
	}
	for name, lines := range records {
		data := strings.Join(lines, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "api/%s: %d lines\n", name, len(lines))
	}
	return nil
}

// checkRecords compares the records with api/ and prints every line that
// differs: "-" for a line only the record has, "+" for one only the code has.
func checkRecords(repo string, records map[string][]string, out io.Writer) error {
	onDisk, err := readRecords(repo)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for n := range records {
		names[n] = true
	}
	for n := range onDisk {
		names[n] = true
	}
	differ := 0
	for _, n := range slices.Sorted(maps.Keys(names)) {
		removed, added := setDiff(onDisk[n], records[n])
		if len(removed)+len(added) == 0 {
			continue
		}
		differ++
		fmt.Fprintf(out, "api/%s differs from the code:\n", n)
		for _, l := range removed {
			fmt.Fprintf(out, "-%s\n", l)
		}
		for _, l := range added {
			fmt.Fprintf(out, "+%s\n", l)
		}
	}
	if differ > 0 {
		return fmt.Errorf("the exported API differs from the record in %d file(s) of api/; if the change is intended, rewrite the record with `%s` and commit api/", differ, regenerate)
	}
	fmt.Fprintf(out, "api/: %d files match the code\n", len(records))
	return nil
}

func readRecords(repo string) (map[string][]string, error) {
	files, err := filepath.Glob(filepath.Join(repo, "api", "*.txt"))
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
		out[filepath.Base(f)] = lines
	}
	return out, nil
}

// setDiff returns the lines only in a and the lines only in b.
func setDiff(a, b []string) (onlyA, onlyB []string) {
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, l := range a {
		inA[l] = true
	}
	for _, l := range b {
		inB[l] = true
		if !inA[l] {
			onlyB = append(onlyB, l)
		}
	}
	for _, l := range a {
		if !inB[l] {
			onlyA = append(onlyA, l)
		}
	}
	return onlyA, onlyB
}

func typesOf(pkgs []*packages.Package) []*types.Package {
	out := make([]*types.Package, len(pkgs))
	for i, p := range pkgs {
		out[i] = p.Types
	}
	return out
}
