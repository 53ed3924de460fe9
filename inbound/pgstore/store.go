package pgstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultTable is the table a Store uses when Options.Table is empty.
const DefaultTable = "gatehouse_api_keys"

// ErrInvalidConfig is wrapped by New's error for a bad configuration.
var ErrInvalidConfig = errors.New("pgstore: invalid configuration")

// ErrKeyExists is wrapped by Create's error when a key with the same ID is
// already stored.
var ErrKeyExists = errors.New("pgstore: a key with this ID exists")

// Options configures New. A nil *Options, like every zero field, means the
// documented defaults.
type Options struct {
	// Table is the table of keys, optionally schema-qualified
	// ("auth.api_keys"). Default "gatehouse_api_keys". Each part must be a
	// lower-case PostgreSQL identifier: a letter or underscore, then
	// letters, digits or underscores, at most 48 bytes.
	Table string
	// Channel is the LISTEN/NOTIFY channel of revocations: Revoke notifies
	// it and Watch listens to it. Default: the table's name with "_revoked"
	// appended (dots replaced by underscores). Same rules as Table, without
	// a schema, at most 63 bytes.
	Channel string
}

// Key describes a key to Create.
type Key struct {
	// ID identifies the key in List and Revoke, and is the Principal's
	// KeyID. Empty: a random one ("key_" and 26 characters). At most 128
	// bytes of visible ASCII.
	ID string
	// Subject is the key's owner, the Principal's Subject. Required.
	Subject string
	// Prefix starts the key (see inbound.NewAPIKey), e.g. "$aact_prod_".
	Prefix string
	// Environment is the Principal's Environment; APIKeyOptions.Environments
	// completes it from the prefix when empty.
	Environment string
	// Scopes are the Principal's Scopes.
	Scopes []string
	// ExpiresAt is when the key stops being valid; zero means never.
	ExpiresAt time.Time
}

// KeyInfo describes a stored key: never the key or its hash.
type KeyInfo struct {
	ID, Subject, Prefix, Environment string
	// Last4 is the key's last four characters, to tell keys apart.
	Last4  string
	Scopes []string
	// CreatedAt is when the key was created. LastUsedAt is when it was
	// last accepted (recorded at most once a minute; zero: never), ExpiresAt
	// when it expires (zero: never), RevokedAt when it was revoked (zero:
	// it was not).
	CreatedAt, LastUsedAt, ExpiresAt, RevokedAt time.Time
}

// Store keeps API keys in a PostgreSQL table and implements
// inbound.KeyStore (and inbound.ExpiringKeyStore, so that a KeyCache never
// remembers a key past its expiry). It is safe for concurrent use. It owns
// a goroutine that records when keys were last used: Close stops it.
type Store struct {
	pool    *pgxpool.Pool
	table   string // quoted, safe to put into SQL
	channel string // validated identifier
	q       queries
	uses    *useRecorder
}

// queries are the Store's SQL, built once from the validated, quoted table
// name; every value is a parameter.
type queries struct {
	lookup, insert, revoke, exists, notify, list, touch, revokedSince, listen string
}

// New returns a Store on pool, creating its table and indexes if they are
// missing (concurrent News on one database are safe). Every configuration
// mistake is reported at once, wrapping ErrInvalidConfig.
func New(ctx context.Context, pool *pgxpool.Pool, opts *Options) (*Store, error) {
	return newStore(ctx, pool, opts, defaultUseTiming())
}

func newStore(ctx context.Context, pool *pgxpool.Pool, opts *Options, timing useTiming) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	table, channel, err := o.validate(pool)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, table: table, channel: channel, q: buildQueries(table, channel)}
	if err := s.createTable(ctx, o.tableName()); err != nil {
		return nil, err
	}
	s.uses = startUseRecorder(s, timing)
	return s, nil
}

// createTable creates the table and its indexes, under an advisory lock so
// that replicas starting together do not collide in the catalog.
func (s *Store) createTable(ctx context.Context, name string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return dbErr("creating the table", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	idx := pgx.Identifier{strings.ReplaceAll(name, ".", "_") + "_subject_idx"}.Sanitize()
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + s.table + ` (
			id           text PRIMARY KEY,
			hash         bytea NOT NULL UNIQUE,
			subject      text NOT NULL,
			prefix       text NOT NULL,
			last4        text NOT NULL,
			environment  text NOT NULL,
			scopes       text[] NOT NULL,
			created_at   timestamptz NOT NULL DEFAULT now(),
			last_used_at timestamptz,
			expires_at   timestamptz,
			revoked_at   timestamptz)`,
		`CREATE INDEX IF NOT EXISTS ` + idx + ` ON ` + s.table + ` (subject, created_at)`,
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "gatehouse:"+name); err != nil {
		return dbErr("creating the table", err)
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return dbErr("creating the table", err)
		}
	}
	return dbErr("creating the table", tx.Commit(ctx))
}

func buildQueries(t, channel string) queries {
	return queries{
		lookup: `SELECT id, subject, environment, scopes, expires_at FROM ` + t +
			` WHERE hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
		insert: `INSERT INTO ` + t + ` (id, hash, subject, prefix, last4, environment, scopes, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		revoke:       `UPDATE ` + t + ` SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING hash`,
		exists:       `SELECT EXISTS (SELECT 1 FROM ` + t + ` WHERE id = $1)`,
		notify:       `SELECT pg_notify($1, $2)`,
		list:         `SELECT id, subject, prefix, last4, environment, scopes, created_at, last_used_at, expires_at, revoked_at FROM ` + t + ` WHERE subject = $1 ORDER BY created_at, id`,
		touch:        `UPDATE ` + t + ` SET last_used_at = now() WHERE id = ANY($1)`,
		revokedSince: `SELECT hash FROM ` + t + ` WHERE revoked_at >= $1`,
		listen:       `LISTEN ` + pgx.Identifier{channel}.Sanitize(),
	}
}

// Lookup implements inbound.KeyStore: one query on the hash index. A
// revoked or expired key is inbound.ErrKeyNotFound.
func (s *Store) Lookup(ctx context.Context, sum [32]byte) (*inbound.Principal, error) {
	p, _, err := s.LookupExpiry(ctx, sum)
	return p, err
}

// LookupExpiry implements inbound.ExpiringKeyStore: Lookup, and when the
// key expires (zero: never).
func (s *Store) LookupExpiry(ctx context.Context, sum [32]byte) (*inbound.Principal, time.Time, error) {
	p := &inbound.Principal{Scheme: inbound.SchemeAPIKey}
	var expires *time.Time
	err := s.pool.QueryRow(ctx, s.q.lookup, sum[:]).Scan(&p.KeyID, &p.Subject, &p.Environment, &p.Scopes, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, time.Time{}, inbound.ErrKeyNotFound
	case err != nil:
		return nil, time.Time{}, dbErr("lookup", err)
	}
	s.uses.touch(p.KeyID)
	if expires == nil {
		return p, time.Time{}, nil
	}
	return p, *expires, nil
}

// Create issues a key with inbound.NewAPIKey(k.Prefix), stores its hash and
// returns the key: the only time it is seen, so hand it to its owner now.
func (s *Store) Create(ctx context.Context, k Key) (key string, err error) {
	if k.Subject == "" {
		return "", errors.New("pgstore: create: Subject is required")
	}
	if k.ID == "" {
		k.ID = "key_" + rand.Text()
	} else if len(k.ID) > 128 || !visibleASCII(k.ID) {
		return "", errors.New("pgstore: create: ID must be at most 128 bytes of visible ASCII")
	}
	key, sum, err := inbound.NewAPIKey(k.Prefix)
	if err != nil {
		return "", errors.New("pgstore: create: Prefix must be at most 476 bytes of visible ASCII")
	}
	var expires *time.Time
	if !k.ExpiresAt.IsZero() {
		expires = &k.ExpiresAt
	}
	scopes := k.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	_, err = s.pool.Exec(ctx, s.q.insert, k.ID, sum[:], k.Subject, k.Prefix, key[len(key)-4:], k.Environment, scopes, expires)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" && !strings.HasSuffix(pg.ConstraintName, "hash_key") {
		return "", ErrKeyExists
	}
	if err != nil {
		return "", dbErr("create", err)
	}
	return key, nil
}

// Revoke marks the key with this ID revoked and notifies every Watch of its
// hash, in one transaction. Revoking a revoked key does nothing; an unknown
// ID is inbound.ErrKeyNotFound.
func (s *Store) Revoke(ctx context.Context, id string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return dbErr("revoke", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	var hash []byte
	err = tx.QueryRow(ctx, s.q.revoke, id).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		var exists bool
		if err := tx.QueryRow(ctx, s.q.exists, id).Scan(&exists); err != nil {
			return dbErr("revoke", err)
		}
		if !exists {
			return fmt.Errorf("pgstore: revoke: %w", inbound.ErrKeyNotFound)
		}
		return nil
	}
	if err != nil {
		return dbErr("revoke", err)
	}
	// NOTIFY is delivered at commit, so no replica forgets a key that
	// is then not revoked.
	if _, err := tx.Exec(ctx, s.q.notify, s.channel, fmt.Sprintf("%x", hash)); err != nil {
		return dbErr("revoke", err)
	}
	return dbErr("revoke", tx.Commit(ctx))
}

// List returns the keys of subject, oldest first, revoked and expired ones
// included.
func (s *Store) List(ctx context.Context, subject string) ([]KeyInfo, error) {
	rows, err := s.pool.Query(ctx, s.q.list, subject)
	if err != nil {
		return nil, dbErr("list", err)
	}
	var out []KeyInfo
	for rows.Next() {
		var k KeyInfo
		var used, expires, revoked *time.Time
		if err := rows.Scan(&k.ID, &k.Subject, &k.Prefix, &k.Last4, &k.Environment, &k.Scopes, &k.CreatedAt, &used, &expires, &revoked); err != nil {
			rows.Close()
			return nil, dbErr("list", err)
		}
		k.LastUsedAt, k.ExpiresAt, k.RevokedAt = deref(used), deref(expires), deref(revoked)
		out = append(out, k)
	}
	return out, dbErr("list", rows.Err())
}

// Close stops recording last use, after writing what is pending (within 5
// seconds). It does not close the pool. It is safe to call more than once.
func (s *Store) Close() error {
	s.uses.close()
	return nil
}

// String describes the store without the connection string.
func (s *Store) String() string { return "pgstore.Store(" + s.table + ")" }

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

var _ inbound.ExpiringKeyStore = (*Store)(nil)
