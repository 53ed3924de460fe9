package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// dbError is a failure of the database. Its message says what failed and
// how (an SQLSTATE, a timeout, the database unreachable), never the
// driver's own text, which may hold the connection's user, host and
// database, or a value of the query. Unwrap gives the driver's error, for
// errors.Is and errors.As.
type dbError struct {
	op  string
	err error
}

func (e *dbError) Error() string { return "pgstore: " + e.op + ": " + describe(e.err) }
func (e *dbError) Unwrap() error { return e.err }

// dbErr wraps err (nil stays nil).
func dbErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &dbError{op: op, err: err}
}

func describe(err error) string {
	var pg *pgconn.PgError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "context deadline exceeded"
	case errors.Is(err, context.Canceled):
		return "context canceled"
	case errors.As(err, &pg):
		return "database error (SQLSTATE " + pg.Code + ")"
	default:
		return "database unavailable"
	}
}
