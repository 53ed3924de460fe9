package pgstore

import (
	"context"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/jackc/pgx/v5"
)

// catchUp makes c forget every key revoked since from.
func (s *Store) catchUp(ctx context.Context, conn *pgx.Conn, c *inbound.KeyCache, from time.Time) error {
	rows, err := conn.Query(ctx, s.q.revokedSince, from)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return err
		}
		var sum [32]byte
		if len(b) == len(sum) {
			copy(sum[:], b)
			c.Forget(sum)
		}
	}
	return rows.Err()
}
