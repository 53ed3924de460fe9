package pgstore

import (
	"context"
	"sync"
	"time"
)

// useTiming says how often last use is recorded.
type useTiming struct {
	every time.Duration // at most one record per key per every
	flush time.Duration // how often the batch is written
	now   func() time.Time
}

func defaultUseTiming() useTiming {
	return useTiming{every: time.Minute, flush: 10 * time.Second, now: time.Now}
}

// useRecorder records when keys were last used, off the request path: a
// lookup queues the key's ID (at most once per key per minute) and a
// goroutine writes the queue in one UPDATE every few seconds. Writes that
// fail are dropped: last use is information, not security.
type useRecorder struct {
	s      *Store
	timing useTiming

	mu      sync.Mutex
	last    map[string]time.Time // ID -> when it was last queued
	pending []string

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startUseRecorder(s *Store, timing useTiming) *useRecorder {
	u := &useRecorder{s: s, timing: timing, last: map[string]time.Time{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go u.run()
	return u
}

// touch queues id unless it was queued within the last minute.
func (u *useRecorder) touch(id string) {
	now := u.timing.now()
	u.mu.Lock()
	defer u.mu.Unlock()
	if t, ok := u.last[id]; ok && now.Sub(t) < u.timing.every {
		return
	}
	u.last[id] = now
	u.pending = append(u.pending, id)
}

func (u *useRecorder) run() {
	defer close(u.done)
	t := time.NewTicker(u.timing.flush)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			u.write()
		case <-u.stop:
			u.write()
			return
		}
	}
}

// write sends the pending IDs in one UPDATE, and forgets the IDs queued
// more than a minute ago, so that the map holds only recent keys.
func (u *useRecorder) write() {
	now := u.timing.now()
	u.mu.Lock()
	ids := u.pending
	u.pending = nil
	for id, t := range u.last {
		if now.Sub(t) >= u.timing.every {
			delete(u.last, id)
		}
	}
	u.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = u.s.pool.Exec(ctx, u.s.q.touch, ids)
}

func (u *useRecorder) close() {
	u.once.Do(func() { close(u.stop) })
	<-u.done
}
