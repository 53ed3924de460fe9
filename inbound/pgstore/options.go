package pgstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	maxTableIdent   = 48 // leaves room for the index name's suffix
	maxChannelIdent = 63 // PostgreSQL's NAMEDATALEN - 1
)

func (o *Options) tableName() string {
	if o.Table == "" {
		return DefaultTable
	}
	return o.Table
}

// validate checks the options and returns the quoted table and the channel.
func (o *Options) validate(pool *pgxpool.Pool) (table, channel string, err error) {
	var errs []error
	if pool == nil {
		errs = append(errs, configErr("nil pool"))
	}
	name := o.tableName()
	parts := strings.Split(name, ".")
	if len(parts) > 2 || !allIdents(parts, maxTableIdent) {
		// The name is configuration, not a secret: it may be shown.
		errs = append(errs, configErr(fmt.Sprintf("Table %q is not [schema.]name of lower-case identifiers of at most %d bytes", name, maxTableIdent)))
	}
	channel = o.Channel
	if channel == "" {
		channel = strings.ReplaceAll(name, ".", "_") + "_revoked"
	}
	if !isIdent(channel, maxChannelIdent) {
		errs = append(errs, configErr(fmt.Sprintf("Channel %q is not a lower-case identifier of at most %d bytes", channel, maxChannelIdent)))
	}
	if err := errors.Join(errs...); err != nil {
		return "", "", err
	}
	return pgx.Identifier(parts).Sanitize(), channel, nil
}

func allIdents(parts []string, n int) bool {
	for _, p := range parts {
		if !isIdent(p, n) {
			return false
		}
	}
	return true
}

// isIdent reports whether s is an unquoted PostgreSQL identifier that
// needs no quoting: [a-z_][a-z0-9_]*, at most n bytes.
func isIdent(s string, n int) bool {
	if s == "" || len(s) > n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

type configError struct{ msg string }

func (e *configError) Error() string { return "pgstore: " + e.msg }
func (e *configError) Unwrap() error { return ErrInvalidConfig }

func configErr(msg string) error { return &configError{msg} }
