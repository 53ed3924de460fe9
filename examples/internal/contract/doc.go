// Package contract holds no code. Its test file spells out gatehouse's
// public API contract (names, field names, signatures) as typed declarations,
// so that renaming or reshaping any of it breaks this package's build before
// it breaks users' code and outside test suites.
package contract
