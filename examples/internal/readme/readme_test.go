package readme_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSnippetsAreCompiled checks that every ```go block of README.md is the
// body of an Example function in a snippets*_test.go file, so that a
// snippet that no longer compiles fails the build of this package's tests.
func TestSnippetsAreCompiled(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go snippets")
	}
	files, err := filepath.Glob("snippets*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, f := range files {
		bodies = append(bodies, exampleBodies(t, f)...)
	}
	for _, b := range blocks {
		snippet := normalize(string(b[1]))
		found := false
		for _, body := range bodies {
			if strings.Contains(body, snippet) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README snippet is not the body of an Example in snippets*_test.go:\n%s", b[1])
		}
	}
}

// exampleBodies returns the normalized bodies of the file's Example functions.
func exampleBodies(t *testing.T, file string) []string {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fn.Name.Name, "Example") || fn.Body == nil {
			continue
		}
		start := fset.Position(fn.Body.Lbrace).Offset + 1
		end := fset.Position(fn.Body.Rbrace).Offset
		bodies = append(bodies, normalize(string(src[start:end])))
	}
	return bodies
}

// normalize drops indentation, blank lines and Output comments, so that a
// snippet matches the example it was taken from.
func normalize(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "// Output:") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
