package pgstore

import (
	"context"
	"encoding/hex"
	"errors"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
)

const (
	// watchRetryMax caps the wait between two attempts to listen again
	// after the database went away.
	watchRetryMax = time.Second
	// catchUpMargin widens the search for keys revoked while Watch was not
	// listening: a revocation carries its transaction's start time.
	catchUpMargin = time.Minute
)

// Watch listens for revocations (LISTEN on Options.Channel) and makes c
// forget each revoked key at once, on every replica that runs it: a key
// revoked anywhere is refused everywhere within a second. Start it before
// serving, with the cache given to inbound.APIKey.
//
// When the connection is lost, or was not yet made, Watch listens as soon as
// the database answers (retrying at most a second apart) and then makes c
// forget every key revoked meanwhile. It returns nil when ctx ends, and holds one
// connection of the pool (taken out of it) while it runs.
func (s *Store) Watch(ctx context.Context, c *inbound.KeyCache) error {
	if c == nil {
		return errors.New("pgstore: Watch: nil KeyCache")
	}
	// Revocations since since are caught up on each time listening
	// begins: at first the local time Watch started (the catch-up margin
	// covers a skew between the clocks), then the database's time when
	// listening last began.
	since := time.Now()
	wait := 50 * time.Millisecond
	for {
		listening, _ := s.listen(ctx, c, &since)
		if listening {
			wait = 50 * time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		wait = min(2*wait, watchRetryMax)
	}
}

// listen takes a connection, listens on it, catches up on revocations since
// *since, and forgets each notified key until the connection fails or ctx
// ends. listening says whether it got as far as listening.
func (s *Store) listen(ctx context.Context, c *inbound.KeyCache, since *time.Time) (listening bool, err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	conn := pc.Hijack() // a listening connection must not go back to the pool
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, s.q.listen); err != nil {
		return false, err
	}
	var now time.Time
	if err := conn.QueryRow(ctx, "SELECT now()").Scan(&now); err != nil {
		return false, err
	}
	if err := s.catchUp(ctx, conn, c, since.Add(-catchUpMargin)); err != nil {
		return false, err
	}
	*since = now
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		var sum [32]byte
		if b, err := hex.DecodeString(n.Payload); err == nil && len(b) == len(sum) {
			copy(sum[:], b)
			c.Forget(sum)
		}
	}
}
