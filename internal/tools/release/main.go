// Command release is the repository's release tooling: it lists the modules,
// keeps the record of the exported API under api/, lays the published modules
// into a file-system module proxy as a user would download them, and prepares
// a release (versions, CHANGELOG, API changes, tags).
//
// Run it from anywhere inside the repository:
//
//	go run ./internal/tools/release modules            # the modules; published ones marked
//	go run ./internal/tools/release api                # rewrite api/*.txt from the code
//	go run ./internal/tools/release api -check         # fail when the code differs from api/
//	go run ./internal/tools/release proxy -dir DIR     # lay the published modules out as a GOPROXY
//	go run ./internal/tools/release diff [-since REF]  # API changes since a release, by kind
//	go run ./internal/tools/release require v0.2.0     # only set every in-repo requirement
//	go run ./internal/tools/release prepare v0.2.0     # versions, CHANGELOG, API check, tags
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `usage: release [-repo DIR] COMMAND [flags]

commands:
  modules                 list the modules (published ones marked)
  api [-check]            rewrite api/*.txt from the code, or check it
  proxy -dir DIR [-version V]
                          lay every published module out as a file-system
                          module proxy; print "path version dir" per module
  diff [-since REF]       the API changes since REF (default: the latest
                          release tag), compatible and incompatible
  require VERSION         set every in-repo requirement to VERSION (no more)
  prepare VERSION         set every in-repo requirement to VERSION, move
                          CHANGELOG's Unreleased entries under it, check the
                          API record, list the API changes, print the tags
`

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	repoFlag := fs.String("repo", "", "the repository's root (default: found from the working directory)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no command")
	}
	repo, err := findRepo(*repoFlag)
	if err != nil {
		return err
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "modules":
		return cmdModules(repo, out)
	case "api":
		return cmdAPI(repo, rest, out)
	case "proxy":
		return cmdProxy(repo, rest, out)
	case "diff":
		return cmdDiff(repo, rest, out)
	case "require":
		return cmdRequire(repo, rest, out)
	case "prepare":
		return cmdPrepare(repo, rest, out)
	}
	fs.Usage()
	return fmt.Errorf("unknown command %q", cmd)
}
