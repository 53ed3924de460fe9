package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

const repoURL = "https://github.com/gatehouse-go/gatehouse"

var (
	unreleasedHeading = regexp.MustCompile(`(?m)^## \[Unreleased\][^\n]*\n`)
	nextHeading       = regexp.MustCompile(`(?m)^## \[`)
	unreleasedLink    = regexp.MustCompile(`(?m)^\[Unreleased\]: .*$`)
)

// releaseChangelog moves the entries under "## [Unreleased]" to a new
// "## [X.Y.Z] - DATE" section below it, leaves Unreleased empty, and updates
// the comparison links at the end of the file.
func releaseChangelog(name, v, prev, date string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out, err := moveUnreleased(string(data), v, prev, date)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(name, []byte(out), 0o644)
}

func moveUnreleased(text, v, prev, date string) (string, error) {
	loc := unreleasedHeading.FindStringIndex(text)
	if loc == nil {
		return "", errors.New(`no "## [Unreleased]" section`)
	}
	bodyStart := loc[1]
	bodyEnd := len(text)
	if next := nextHeading.FindStringIndex(text[bodyStart:]); next != nil {
		bodyEnd = bodyStart + next[0]
	}
	if link := unreleasedLink.FindStringIndex(text[bodyStart:bodyEnd]); link != nil {
		bodyEnd = bodyStart + link[0] // the links close the file
	}
	body := strings.TrimSpace(text[bodyStart:bodyEnd])
	if body == "" {
		return "", errors.New("the Unreleased section is empty: nothing to release")
	}
	num := strings.TrimPrefix(v, "v")
	section := fmt.Sprintf("\n## [%s] - %s\n\n%s\n\n", num, date, body)
	text = text[:bodyStart] + section + text[bodyEnd:]

	newLinks := fmt.Sprintf("[Unreleased]: %s/compare/%s...HEAD\n", repoURL, v)
	if prev == "" {
		newLinks += fmt.Sprintf("[%s]: %s/releases/tag/%s", num, repoURL, v)
	} else {
		newLinks += fmt.Sprintf("[%s]: %s/compare/%s...%s", num, repoURL, prev, v)
	}
	if unreleasedLink.MatchString(text) {
		return unreleasedLink.ReplaceAllLiteralString(text, newLinks), nil
	}
	return strings.TrimRight(text, "\n") + "\n\n" + newLinks + "\n", nil
}
