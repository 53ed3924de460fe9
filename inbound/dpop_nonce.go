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
// rotation is not refused. A nonce is accepted at most two lifetimes after
// it was issued, however irregular the traffic that rotates it. now is the
// clock; nil means time.Now.
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

	mu            sync.Mutex
	cur, prev     string
	curAt, prevAt time.Time // when each was issued
}

// rotate advances the nonces to t and returns those accepted at t. The
// caller holds mu. Rotation is lazy (on use), so every limit is counted
// from when a nonce was issued, never from when it was rotated out.
func (n *rotatingNonces) rotate(t time.Time) (cur, prev string) {
	if n.cur == "" || !t.Before(n.curAt.Add(n.lifetime)) {
		n.prev, n.prevAt = n.cur, n.curAt
		n.cur, n.curAt = rand.Text(), t
	}
	if n.prev != "" && !t.Before(n.prevAt.Add(2*n.lifetime)) {
		n.prev = ""
	}
	return n.cur, n.prev
}

// Valid implements DPoPNonces.
func (n *rotatingNonces) Valid(nonce string) bool {
	if nonce == "" {
		return false
	}
	n.mu.Lock()
	cur, prev := n.rotate(n.now())
	n.mu.Unlock()
	return subtle.ConstantTimeCompare([]byte(nonce), []byte(cur)) == 1 ||
		(prev != "" && subtle.ConstantTimeCompare([]byte(nonce), []byte(prev)) == 1)
}

// Current implements DPoPNonces.
func (n *rotatingNonces) Current() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	cur, _ := n.rotate(n.now())
	return cur
}
