package outbound

import (
	"context"
	"sync"
	"time"
)

// MemoryStore returns a Store that keeps tokens in this process's memory:
// for tests, and for several Sources of one process that use one credential
// (which then make one token request per lifetime between them). It watches
// keys, and reads its expiries and leases on time.Now. A lease asked for with
// a ttl that is not positive expires at once.
func MemoryStore() Store {
	return &memStore{keys: make(map[string]*memKey)}
}

type memStore struct {
	mu     sync.Mutex
	keys   map[string]*memKey
	owners uint64
}

type memKey struct {
	tok        *SharedToken
	owner      uint64 // 0: no lease
	leaseUntil time.Time
	watchers   map[chan struct{}]struct{}
}

// get returns the key's entry, creating it; the caller holds m.mu.
func (m *memStore) get(key string) *memKey {
	k := m.keys[key]
	if k == nil {
		k = &memKey{watchers: make(map[chan struct{}]struct{})}
		m.keys[key] = k
	}
	return k
}

// tidy forgets a key that holds nothing; the caller holds m.mu.
func (m *memStore) tidy(key string, k *memKey) {
	if k.tok == nil && k.owner == 0 && len(k.watchers) == 0 {
		delete(m.keys, key)
	}
}

func (k *memKey) signal() {
	for ch := range k.watchers {
		select {
		case ch <- struct{}{}:
		default: // a signal is pending already
		}
	}
}

func (m *memStore) Load(ctx context.Context, key string) (SharedToken, bool, error) {
	if err := ctx.Err(); err != nil {
		return SharedToken{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.keys[key]
	if k == nil || k.tok == nil {
		return SharedToken{}, false, nil
	}
	if exp := k.tok.Token.Expiry; !exp.IsZero() && !time.Now().Before(exp) {
		k.tok = nil
		m.tidy(key, k)
		return SharedToken{}, false, nil
	}
	return *k.tok, true, nil
}

func (m *memStore) Save(ctx context.Context, key string, t SharedToken) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.get(key)
	k.tok = &t
	k.signal()
	return nil
}

func (m *memStore) Lease(ctx context.Context, key string, ttl time.Duration) (func(), bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.get(key)
	now := time.Now()
	// A lease with more left than ttl is broken (see Store.Lease): taken.
	if k.owner != 0 && now.Before(k.leaseUntil) && k.leaseUntil.Sub(now) <= ttl {
		return nil, false, nil
	}
	m.owners++
	owner := m.owners
	k.owner, k.leaseUntil = owner, now.Add(ttl)
	release := func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if k := m.keys[key]; k != nil && k.owner == owner {
			k.owner = 0
			k.signal()
			m.tidy(key, k)
		}
	}
	return release, true, nil
}

func (m *memStore) Drop(ctx context.Context, key string, value string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.keys[key]
	if k == nil || k.tok == nil || k.tok.Token.Value != value {
		return nil
	}
	k.tok = nil
	k.signal()
	m.tidy(key, k)
	return nil
}

func (m *memStore) Watch(ctx context.Context, key string) (<-chan struct{}, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ch := make(chan struct{}, 1)
	m.mu.Lock()
	m.get(key).watchers[ch] = struct{}{}
	m.mu.Unlock()
	context.AfterFunc(ctx, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if k := m.keys[key]; k != nil {
			delete(k.watchers, ch)
			m.tidy(key, k)
		}
		close(ch)
	})
	return ch, nil
}
