// Package readme holds no code: its tests keep the repository's README.md
// honest. Every Go snippet in the README must be the body of an Example
// function in snippets_test.go, where the compiler checks it (and, for
// examples with an Output comment, go test runs it).
package readme
