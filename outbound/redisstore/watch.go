package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// retryPause is how long the watcher waits after a failed receive (Redis
// down) before trying again.
const retryPause = 100 * time.Millisecond

// Watch subscribes to the key's signal channel and forwards its messages,
// coalesced, until ctx ends; then it closes the subscription and the
// channel. It returns once Redis has confirmed the subscription, so that no
// signal published after Watch returns is missed while Redis is up. When the
// connection drops, go-redis resubscribes, and the re-subscription is
// forwarded as a signal too (a save may have been missed meanwhile), and so
// is a failed receive, so that a waiter looks at once when Redis goes away.
func (s *store) Watch(ctx context.Context, key string) (<-chan struct{}, error) {
	if s.invalid != nil {
		return nil, s.invalid
	}
	_, _, signal := names(key)
	ps, err := s.subscribe(ctx, signal)
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 1)
	// Closing the subscription interrupts a blocked Receive.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	go func() {
		defer close(out)
		defer stop()
		defer ps.Close()
		for {
			msg, err := ps.Receive(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				// Redis may be gone: let the waiter look (and fall back)
				// now rather than at its next poll.
				notify(out)
				if !pause(ctx, retryPause) {
					return
				}
				continue
			}
			switch msg.(type) {
			case *redis.Message, *redis.Subscription:
				notify(out)
			}
		}
	}()
	return out, nil
}

// subscribe subscribes to channel and waits for Redis's confirmation,
// bounded by the timeout. A subscription confirmed too late is closed.
func (s *store) subscribe(ctx context.Context, channel string) (*redis.PubSub, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	type result struct {
		ps  *redis.PubSub
		err error
	}
	done := make(chan result, 1)
	go func() {
		ps := s.c.Subscribe(ctx, channel)
		_, err := ps.ReceiveTimeout(ctx, s.timeout) // the confirmation
		if err != nil {
			_ = ps.Close()
			ps = nil
		}
		done <- result{ps, err}
	}()
	select {
	case r := <-done:
		return r.ps, wrap("watch", r.err)
	case <-ctx.Done():
		go func() { // the subscription is late: close it when it comes
			if r := <-done; r.ps != nil {
				_ = r.ps.Close()
			}
		}()
		return nil, wrap("watch", ctx.Err())
	}
}

// notify sends a coalesced signal.
func notify(out chan<- struct{}) {
	select {
	case out <- struct{}{}:
	default: // a signal is pending already
	}
}

// pause waits d or until ctx ends; it reports whether ctx is still live.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
