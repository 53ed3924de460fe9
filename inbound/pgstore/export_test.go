package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// NewWithUseTiming is New with last use recorded at most once per every,
// written every flush, on the clock now.
func NewWithUseTiming(ctx context.Context, pool *pgxpool.Pool, opts *Options, every, flush time.Duration, now func() time.Time) (*Store, error) {
	return newStore(ctx, pool, opts, useTiming{every: every, flush: flush, now: now})
}
