package inbound

import (
	"sync/atomic"
	"time"
)

// clockTick is how often the coarse clock of a KeyCache is read.
const clockTick = 50 * time.Millisecond

// coarseClock is a KeyCache's clock for hits: reading the system clock
// costs about as much as the rest of a hit, so a goroutine reads it every
// clockTick while the cache is in use, and stops after two ticks without a
// hit (the next hit starts it again). No goroutine outlives the cache's use.
type coarseClock struct {
	now     atomic.Int64 // KeyCache.clock() at the last tick
	running atomic.Bool
	used    atomic.Bool // a hit since the last tick
}

// hitClock returns the time for a hit: exact with an injected clock, else
// the coarse clock, at most clockTick behind.
func (c *KeyCache) hitClock() int64 {
	if c.now != nil {
		return c.clock()
	}
	k := &c.coarse
	if !k.used.Load() { // read first: no write to a shared line on every hit
		k.used.Store(true)
	}
	if !k.running.Load() {
		return c.startClock()
	}
	return k.now.Load()
}

// startClock reads the clock and starts the goroutine that keeps reading it.
func (c *KeyCache) startClock() int64 {
	now := c.clock()
	c.coarse.now.Store(now)
	if c.coarse.running.CompareAndSwap(false, true) {
		go c.tickClock()
	}
	return now
}

func (c *KeyCache) tickClock() {
	t := time.NewTicker(clockTick)
	defer t.Stop()
	idle := 0
	for range t.C {
		c.coarse.now.Store(c.clock())
		if c.coarse.used.Swap(false) {
			idle = 0
			continue
		}
		if idle++; idle == 2 {
			c.coarse.running.Store(false)
			return
		}
	}
}
