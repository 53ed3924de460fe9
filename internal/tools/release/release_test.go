package main

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

func TestIsPublished(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		want bool
	}{
		{".", true},
		{"adapters/gin", true},
		{"outbound/redisstore", true},
		{"inbound/pgstore", true},
		{"examples", false},
		{"bench", false},
		{"interop", false},
		{"internal/tools", false},
		{"outbound/internal/x", false},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			if got := isPublished(tt.dir); got != tt.want {
				t.Errorf("isPublished(%q) = %v, want %v", tt.dir, got, tt.want)
			}
		})
	}
}

func TestTagName(t *testing.T) {
	for _, tt := range []struct{ dir, want string }{
		{".", "v0.1.0"},
		{"adapters/gin", "adapters/gin/v0.1.0"},
		{"otel", "otel/v0.1.0"},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			if got := tagName(mod{Dir: tt.dir}, "v0.1.0"); got != tt.want {
				t.Errorf("tagName = %q, want %q", got, tt.want)
			}
		})
	}
}

func parseMod(t *testing.T, dir, text string) mod {
	t.Helper()
	f, err := modfile.Parse(dir+"/go.mod", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	return mod{Dir: dir, Path: f.Module.Mod.Path, Published: isPublished(dir), File: f}
}

func TestReleaseVersion(t *testing.T) {
	root := "module example.com/m\n\ngo 1.25.0\n"
	sat := func(v string) string {
		return "module example.com/m/sat\n\ngo 1.25.0\n\nrequire example.com/m " + v + "\n\nreplace example.com/m => ..\n"
	}
	for _, tt := range []struct {
		name    string
		sats    []string
		want    string
		wantErr string
	}{
		{"one version", []string{"v0.1.0", "v0.1.0"}, "v0.1.0", ""},
		{"zero pseudo-version", []string{"v0.1.0", "v0.0.0-00010101000000-000000000000"}, "", "pseudo-version"},
		{"two versions", []string{"v0.1.0", "v0.2.0"}, "", "several versions"},
		{"no requirement", nil, "", "no module requires"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mods := []mod{parseMod(t, ".", root)}
			for i, v := range tt.sats {
				mods = append(mods, parseMod(t, "sat"+string(rune('a'+i)), sat(v)))
			}
			got, err := releaseVersion(mods)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("releaseVersion = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestMoveUnreleased(t *testing.T) {
	const before = "# Changelog\n\nintro\n\n## [Unreleased]\n\n### Added\n\n- a thing\n\n## [0.1.0] - 2026-01-01\n\n### Added\n\n- first\n\n" +
		"[Unreleased]: https://github.com/gatehouse-go/gatehouse/compare/v0.1.0...HEAD\n" +
		"[0.1.0]: https://github.com/gatehouse-go/gatehouse/releases/tag/v0.1.0\n"
	got, err := moveUnreleased(before, "v0.2.0", "v0.1.0", "2026-02-02")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## [Unreleased]\n\n## [0.2.0] - 2026-02-02\n\n### Added\n\n- a thing\n\n## [0.1.0] - 2026-01-01",
		"[Unreleased]: https://github.com/gatehouse-go/gatehouse/compare/v0.2.0...HEAD\n" +
			"[0.2.0]: https://github.com/gatehouse-go/gatehouse/compare/v0.1.0...v0.2.0\n" +
			"[0.1.0]: https://github.com/gatehouse-go/gatehouse/releases/tag/v0.1.0\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("moved changelog lacks\n%s\ngot:\n%s", want, got)
		}
	}

	first, err := moveUnreleased("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- all\n", "v0.1.0", "", "2026-03-03")
	if err != nil {
		t.Fatal(err)
	}
	if want := "## [Unreleased]\n\n## [0.1.0] - 2026-03-03\n\n### Added\n\n- all\n\n[Unreleased]: https://github.com/gatehouse-go/gatehouse/compare/v0.1.0...HEAD\n[0.1.0]: https://github.com/gatehouse-go/gatehouse/releases/tag/v0.1.0\n"; !strings.HasSuffix(first, want) {
		t.Errorf("first release:\n%s\nwant suffix:\n%s", first, want)
	}

	if _, err := moveUnreleased("# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n\n- x\n", "v0.2.0", "v0.1.0", "2026-02-02"); err == nil {
		t.Error("an empty Unreleased section was released")
	}
}

func TestSetDiff(t *testing.T) {
	a, b := setDiff([]string{"x", "y", "z"}, []string{"y", "z", "w"})
	if !slices.Equal(a, []string{"x"}) || !slices.Equal(b, []string{"w"}) {
		t.Errorf("setDiff = %v, %v; want [x], [w]", a, b)
	}
}

const apiSource = `package p

import (
	"context"
	"net/http"
)

const Max = 10
const Name string = "n"

var Default = &Options{}

type Options struct {
	Timeout int
	Hook    func(ctx context.Context, ok bool) error
	http.Handler
	hidden int
}

type Fetcher interface {
	Fetch(ctx context.Context) (string, error)
}

type sealed interface{ seal() }

type Sealed interface {
	Name() string
	seal()
}

type Code int

type Set[K comparable] struct{ m map[K]bool }

func (s *Set[K]) Add(k K)            {}
func (c Code) String() string       { return "" }
func (c Code) private()             {}
func New(f Fetcher, opts ...Option) (*Options, error) { return nil, nil }
func Map[T any, U any](in []T, f func(T) U) []U { return nil }
func unexported()                   {}

type Option func(*Options)
type Alias = Options
`

func TestPackageAPI(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", apiSource, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("example.com/p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := packageAPI(pkg)
	slices.Sort(got)
	want := []string{
		"const Max untyped int = 10",
		"const Name string = \"n\"",
		"func Map[T any, U any]([]T, func(T) U) []U",
		"func New(Fetcher, ...Option) (*Options, error)",
		"method (*Set[K comparable]) Add(K)",
		"method (Code) String() string",
		"type Alias = Options",
		"type Code int",
		"type Fetcher interface { Fetch }",
		"type Fetcher interface, Fetch(context.Context) (string, error)",
		"type Option func(*Options)",
		"type Options struct",
		"type Options struct, Hook func(context.Context, bool) error",
		"type Options struct, Timeout int",
		"type Options struct, embedded http.Handler",
		"type Sealed interface { Name, unexported methods }",
		"type Sealed interface, Name() string",
		"type Set[K comparable] struct",
		"var Default *Options",
	}
	for i := range want {
		want[i] = "pkg example.com/p, " + want[i]
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("packageAPI:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
