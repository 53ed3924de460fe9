// Package pgtest starts throwaway PostgreSQL servers for tests: a fresh
// cluster made with initdb in a temporary directory, listening on a free
// loopback port with trust authentication, removed by Close.
//
// It needs the PostgreSQL server binaries (initdb and postgres) of version
// 13 or later: on Debian and Ubuntu, the postgresql package. It looks for
// them in $PGTEST_BIN, then /usr/lib/postgresql/<newest>/bin, then $PATH.
// PostgreSQL refuses to run as root; a process running as root runs the
// server as $PGTEST_USER, or "nobody", or a system user "gatehouse-pg" it
// creates with useradd.
//
// A typical TestMain starts one server for the package and skips the tests
// that need it when Start fails:
//
//	srv, err := pgtest.Start()
//	if err != nil {
//		fmt.Println("skipping PostgreSQL tests:", err)
//	}
//	defer srv.Close() // a nil *Server's Close does nothing
package pgtest
