// Package doccheck holds no code: its test keeps the repository's Go
// sources free of pointers to documents that users of the library do not
// have (the project's design and style notes). A doc comment or an error
// message must say the thing itself, since `go doc` and a log line are all a
// user sees.
package doccheck
