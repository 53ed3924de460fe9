package doccheck_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// internalDoc matches a reference to a project-internal document: the
// design and style notes, the briefs and the provider seeds, none of which a
// user of the published modules has.
var internalDoc = regexp.MustCompile(`\bDESIGN\b|\bSTYLE\.md\b|\bBRIEF\.md\b|\.\./shared/|\bseeds/`)

// TestNoInternalDocReferences fails when a non-test Go file of any module
// in the repository (doc comments and messages alike) points at a
// project-internal document.
func TestNoInternalDocReferences(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		files++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if internalDoc.MatchString(line) {
				t.Errorf("%s:%d points at a project-internal document; say the thing itself:\n\t%s",
					path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked only %d Go files under %s; is the root right?", files, root)
	}
}
