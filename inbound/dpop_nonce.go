package inbound

import (
	"crypto/rand"
	"crypto/subtle"
	"sync"
	"time"
)

// DefaultNonceLifetime is how long a nonce of NewDPoPNonces is current when
// its lifetime is 0.
const DefaultNonceLifetime = 5 * time.Minute

// NewDPoPNonces returns a DPoPNonces that issues a random nonce, replaces it
// every lifetime (0 means DefaultNonceLifetime), and accepts the current and
// the previous one, so that a client that fetched a nonce just before a
// rotation is not refused. now is the clock; nil means time.Now.
//
// Each process has its own nonces: behind a load balancer without sticky
// sessions, give every replica a DPoPNonces that shares its state instead.
func NewDPoPNonces(lifetime time.Duration, now func() time.Time) DPoPNonces {
	if lifetime <= 0 {
		lifetime = DefaultNonceLifetime
	}
	if now == nil {
		now = time.Now
	}
	return &rotatingNonces{lifetime: lifetime, now: now}
}

type rotatingNonces struct {
	lifetime time.Duration
	now      func() time.Time

	mu        sync.Mutex
	cur, prev string
	until     time.Time // when cur stops being current
}

// rotate advances the nonces to now. The caller holds mu.
func (n *rotatingNonces) rotate() {
	t := n.now()
	if n.cur != "" && t.Before(n.until) {
		return
	}
	if n.cur != "" && t.Before(n.until.Add(n.lifetime)) {
		n.prev = n.cur // one period on: the old one stays acceptable
	} else {
		n.prev = ""
	}
	n.cur = rand.Text()
	n.until = t.Add(n.lifetime)
}

// Valid implements DPoPNonces.
func (n *rotatingNonces) Valid(nonce string) bool {
	if nonce == "" {
		return false
	}
	n.mu.Lock()
	n.rotate()
	cur, prev := n.cur, n.prev
	n.mu.Unlock()
	return subtle.ConstantTimeCompare([]byte(nonce), []byte(cur)) == 1 ||
		(prev != "" && subtle.ConstantTimeCompare([]byte(nonce), []byte(prev)) == 1)
}

// Current implements DPoPNonces.
func (n *rotatingNonces) Current() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.rotate()
	return n.cur
}
