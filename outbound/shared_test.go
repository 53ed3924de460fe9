package outbound_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// provider is a token endpoint that takes delay to answer and issues tokens
// "tok-1", "tok-2"... of the given lifetime, recording when each fetch
// started (on the bubble's clock).
type provider struct {
	life, delay time.Duration
	n           atomic.Int64
	mu          sync.Mutex
	starts      []time.Time
}

func (p *provider) Fetch(ctx context.Context) (outbound.Token, error) {
	n := p.n.Add(1)
	p.mu.Lock()
	p.starts = append(p.starts, time.Now())
	p.mu.Unlock()
	if p.delay > 0 {
		t := time.NewTimer(p.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return outbound.Token{}, ctx.Err()
		}
	}
	return outbound.Token{Value: fmt.Sprintf("tok-%d", n), Expiry: time.Now().Add(p.life)}, nil
}

// events counts SharedEvents by kind.
type events struct {
	mu     sync.Mutex
	counts map[outbound.SharedEventKind]int
	errs   []error
}

func (e *events) record(ev outbound.SharedEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.counts == nil {
		e.counts = make(map[outbound.SharedEventKind]int)
	}
	e.counts[ev.Kind]++
	if ev.Err != nil {
		e.errs = append(e.errs, ev.Err)
	}
}

func (e *events) count(k outbound.SharedEventKind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[k]
}

// replicas returns n Sources, each above its own Shared fetcher of p over st:
// n processes of a fleet.
func replicas(n int, p outbound.Fetcher, st outbound.Store, key string, o *outbound.SharedOptions) []*outbound.Source {
	srcs := make([]*outbound.Source, n)
	for i := range srcs {
		srcs[i] = outbound.NewSource(outbound.Shared(p, st, key, o), nil)
	}
	return srcs
}

func sumWaits(srcs []*outbound.Source) (w int64) {
	for _, s := range srcs {
		w += s.Stats().Waits
	}
	return w
}

// The fleet makes one provider fetch per refresh cycle, and after warm-up no
// caller waits.
func TestSharedFleetOneFetchPerCycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const (
			nReplicas  = 10
			perReplica = 100 // 1,000 goroutines in all
			life       = 2 * time.Second
			run        = 10 * time.Second
		)
		p := &provider{life: life, delay: 50 * time.Millisecond}
		ev := &events{}
		srcs := replicas(nReplicas, p, outbound.MemoryStore(), outbound.CredentialKey("test", "client"),
			&outbound.SharedOptions{OnEvent: ev.record})

		ctx, cancel := context.WithTimeout(t.Context(), run)
		defer cancel()
		var wg sync.WaitGroup
		var errs atomic.Int64
		for _, s := range srcs {
			for range perReplica {
				wg.Go(func() {
					for ctx.Err() == nil {
						if _, err := s.Token(ctx); err != nil && ctx.Err() == nil {
							errs.Add(1)
						}
						time.Sleep(50 * time.Millisecond)
					}
				})
			}
		}
		time.Sleep(200 * time.Millisecond) // warm-up: every Source has a token
		warm := sumWaits(srcs)
		if p.n.Load() != 1 {
			t.Fatalf("cold start: %d provider fetches for %d replicas, want 1", p.n.Load(), nReplicas)
		}
		wg.Wait()
		synctest.Wait() // saves and releases in the background

		if errs.Load() != 0 {
			t.Errorf("%d caller errors", errs.Load())
		}
		if w := sumWaits(srcs); w != warm {
			t.Errorf("callers waited %d times after warm-up, want 0", w-warm)
		}
		// One fetch per refresh cycle: a token is refreshed at half its
		// lifetime, so two fetches less than life/2 apart would be two in
		// one cycle.
		p.mu.Lock()
		starts := p.starts
		p.mu.Unlock()
		for i := 1; i < len(starts); i++ {
			if gap := starts[i].Sub(starts[i-1]); gap < life/2 {
				t.Errorf("fetches %d and %d only %v apart: two in one cycle", i, i+1, gap)
			}
		}
		cycles := int(run / (life / 2))
		if n := len(starts); n > cycles+1 || n < cycles*3/4 {
			t.Errorf("%d provider fetches in %v of %v tokens, want about %d (one per cycle)", n, run, life, cycles)
		}
		if ev.count(outbound.SharedStoreError) != 0 || ev.count(outbound.SharedLocalFallback) != 0 {
			t.Errorf("store errors or fallbacks with a healthy store: %v", ev.errs)
		}
		t.Logf("%d provider fetches for %d replicas over %v of %v tokens; events %v", len(starts), nReplicas, run, life, ev.counts)
	})
}

// Without a store, the same fleet makes one fetch per replica per cycle: the
// baseline the test above improves on.
func TestSharedFleetWithoutStoreFetchesPerReplica(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &provider{life: 2 * time.Second, delay: 50 * time.Millisecond}
		var srcs []*outbound.Source
		for range 4 {
			srcs = append(srcs, outbound.NewSource(p, nil))
		}
		for _, s := range srcs {
			if _, err := s.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if p.n.Load() != 4 {
			t.Fatalf("%d fetches, want 4", p.n.Load())
		}
	})
}

// Losers of the lease get the winner's token when it is saved (Watch), not
// at the next poll, and the winner's callers do not wait for the save.
func TestSharedWinnerDoesNotWaitForSave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &provider{life: time.Hour, delay: 50 * time.Millisecond}
		st := &slowStore{Store: outbound.MemoryStore(), saveDelay: 100 * time.Millisecond}
		srcs := replicas(3, p, st, "k", &outbound.SharedOptions{LeaseTTL: 10 * time.Second})
		start := time.Now()
		var wg sync.WaitGroup
		done := make([]time.Duration, len(srcs))
		for i, s := range srcs {
			wg.Go(func() {
				if _, err := s.Token(t.Context()); err != nil {
					t.Error(err)
				}
				done[i] = time.Since(start)
			})
		}
		wg.Wait()
		if p.n.Load() != 1 {
			t.Fatalf("%d provider fetches, want 1", p.n.Load())
		}
		// One replica returned after the fetch alone; the others when the
		// save landed, long before the 1 s poll.
		var first, last time.Duration = time.Hour, 0
		for _, d := range done {
			first, last = min(first, d), max(last, d)
		}
		if first != 50*time.Millisecond {
			t.Errorf("the fetching replica returned after %v, want 50ms (the fetch, not the save)", first)
		}
		if last != 150*time.Millisecond {
			t.Errorf("the waiting replicas returned after %v, want 150ms (at the save)", last)
		}
	})
}

// slowStore delays Save, and can make every call fail or hang.
type slowStore struct {
	outbound.Store
	saveDelay time.Duration
	fail      atomic.Bool // every call fails at once
	hang      atomic.Bool // every call blocks until its ctx ends
	dropGate  chan struct{}
}

var errStoreDown = errors.New("store down")

func (s *slowStore) check(ctx context.Context) error {
	if s.fail.Load() {
		return errStoreDown
	}
	if s.hang.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (s *slowStore) Load(ctx context.Context, key string) (outbound.SharedToken, bool, error) {
	if err := s.check(ctx); err != nil {
		return outbound.SharedToken{}, false, err
	}
	return s.Store.Load(ctx, key)
}

func (s *slowStore) Save(ctx context.Context, key string, t outbound.SharedToken) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	time.Sleep(s.saveDelay)
	return s.Store.Save(ctx, key, t)
}

func (s *slowStore) Lease(ctx context.Context, key string, ttl time.Duration) (func(), bool, error) {
	if err := s.check(ctx); err != nil {
		return nil, false, err
	}
	return s.Store.Lease(ctx, key, ttl)
}

func (s *slowStore) Drop(ctx context.Context, key, value string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if s.dropGate != nil {
		<-s.dropGate
	}
	return s.Store.Drop(ctx, key, value)
}

// A 401 on one replica causes one provider fetch fleet-wide; a replica that
// reports the old token after it was replaced does not drop the new one.
func TestSharedInvalidateOneFetchFleetWide(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &provider{life: time.Hour}
		st := outbound.MemoryStore()
		const key = "k"
		srcs := replicas(3, p, st, key, nil)
		for _, s := range srcs {
			if tok, err := s.Token(t.Context()); err != nil || tok.Value != "tok-1" {
				t.Fatalf("warm-up: %v, %v", tok.Value, err)
			}
		}
		old := outbound.Token{Value: "tok-1"}
		srcs[0].Invalidate(old) // the API answered 401 to tok-1
		tok, err := srcs[0].Token(t.Context())
		if err != nil || tok.Value != "tok-2" {
			t.Fatalf("after 401: %v, %v; want tok-2", tok.Value, err)
		}
		synctest.Wait()
		// The other replicas get the same 401 for tok-1: their Drop of
		// tok-1 must leave tok-2 alone, and they must not fetch.
		for _, s := range srcs[1:] {
			s.Invalidate(old)
			synctest.Wait()
			if tok, err := s.Token(t.Context()); err != nil || tok.Value != "tok-2" {
				t.Fatalf("other replica after 401: %v, %v; want tok-2", tok.Value, err)
			}
		}
		if n := p.n.Load(); n != 2 {
			t.Errorf("%d provider fetches, want 2 (warm-up and one after the 401)", n)
		}
		synctest.Wait()
		if got, ok, _ := st.Load(t.Context(), key); !ok || got.Token.Value != "tok-2" {
			t.Errorf("stored token %q (%t), want tok-2 kept", got.Token.Value, ok)
		}
	})
}

// From the moment Invalidate is called the value is a miss, even while the
// store's Drop has not completed.
func TestSharedInvalidatedValueIsMissBeforeDrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &provider{life: time.Hour}
		gate := make(chan struct{})
		st := &slowStore{Store: outbound.MemoryStore(), dropGate: gate}
		src := outbound.NewSource(outbound.Shared(p, st, "k", nil), nil)
		if _, err := src.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		src.Invalidate(outbound.Token{Value: "tok-1"})
		tok, err := src.Token(t.Context())
		if err != nil || tok.Value != "tok-2" {
			t.Errorf("got %q, %v; want tok-2 although tok-1 is still stored", tok.Value, err)
		}
		close(gate)
		synctest.Wait()
	})
}

// A store that fails, or hangs, never fails a caller whose provider is up;
// sharing resumes when the store is back.
func TestSharedStoreFailureFallsBack(t *testing.T) {
	for _, mode := range []string{"fail", "hang"} {
		t.Run(mode, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := &provider{life: time.Hour, delay: 50 * time.Millisecond}
				st := &slowStore{Store: outbound.MemoryStore()}
				ev := &events{}
				srcs := replicas(2, p, st, "k", &outbound.SharedOptions{OnEvent: ev.record})
				if mode == "fail" {
					st.fail.Store(true)
				} else {
					st.hang.Store(true)
				}
				start := time.Now()
				if _, err := srcs[0].Token(t.Context()); err != nil {
					t.Fatalf("store %s: caller error %v", mode, err)
				}
				if d := time.Since(start); d > outbound.DefaultStoreTimeout+50*time.Millisecond {
					t.Errorf("took %v, want at most StoreTimeout + the fetch", d)
				}
				if ev.count(outbound.SharedStoreError) == 0 || ev.count(outbound.SharedLocalFallback) != 1 {
					t.Errorf("events %v, want a store error and one local fallback", ev.counts)
				}
				st.fail.Store(false)
				st.hang.Store(false)
				synctest.Wait()
				// Back: one replica fetches and saves, the other shares.
				srcs[0].Invalidate(outbound.Token{Value: "tok-1"})
				if _, err := srcs[0].Token(t.Context()); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				before := p.n.Load()
				if tok, err := srcs[1].Token(t.Context()); err != nil || tok.Value != "tok-2" {
					t.Errorf("after recovery: %q, %v; want the shared tok-2", tok.Value, err)
				}
				if p.n.Load() != before {
					t.Errorf("sharing did not resume: the second replica fetched")
				}
			})
		})
	}
}

// A process that dies holding the lease delays the next fetch by at most
// LeaseTTL.
func TestSharedDeadLeaseHolder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ttl = 3 * time.Second
		st := outbound.MemoryStore()
		// The dead process: it took the lease and never released it.
		if _, ok, err := st.Lease(t.Context(), "k", ttl); !ok || err != nil {
			t.Fatal(ok, err)
		}
		p := &provider{life: time.Hour}
		src := outbound.NewSource(outbound.Shared(p, st, "k", &outbound.SharedOptions{LeaseTTL: ttl}), nil)
		start := time.Now()
		if _, err := src.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > ttl {
			t.Errorf("fetched after %v, want within LeaseTTL %v", d, ttl)
		}
		if p.n.Load() != 1 {
			t.Errorf("%d fetches, want 1", p.n.Load())
		}
		synctest.Wait()
	})
}

// A waiting caller gives up with its own ctx.
func TestSharedWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		if _, ok, _ := st.Lease(t.Context(), "k", outbound.DefaultLeaseTTL); !ok {
			t.Fatal("lease")
		}
		f := outbound.Shared(&provider{life: time.Hour}, st, "k", nil)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(time.Second, cancel)
		if _, err := f.Fetch(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want the caller's cancellation", err)
		}
	})
}

// Sealed tokens: the store holds no token value; a wrong key, or no key,
// reads as a miss and fetches anew, never returning the sealed bytes.
func TestSharedEncryption(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		key1 := []byte(strings.Repeat("k", 32))
		key2 := []byte(strings.Repeat("K", 32))
		st := outbound.MemoryStore()
		p := &provider{life: time.Hour}
		a := outbound.Shared(p, st, "k", &outbound.SharedOptions{EncryptionKey: key1})
		tok, err := a.Fetch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		stored, ok, _ := st.Load(t.Context(), "k")
		if !ok || strings.Contains(stored.Token.Value, tok.Value) || !strings.HasPrefix(stored.Token.Value, "gatehouse:sealed:v1:") {
			t.Fatalf("stored value %q holds the token %q or is not sealed", stored.Token.Value, tok.Value)
		}
		if got, _ := outbound.Shared(p, st, "k", &outbound.SharedOptions{EncryptionKey: key1}).Fetch(t.Context()); got.Value != tok.Value {
			t.Errorf("same key: got %q, want %q", got.Value, tok.Value)
		}
		// The key name is the associated data: moved to another key, the
		// sealed token does not open.
		_ = st.Save(t.Context(), "other", stored)
		for name, f := range map[string]outbound.Fetcher{
			"wrong key": outbound.Shared(p, st, "k", &outbound.SharedOptions{EncryptionKey: key2}),
			"no key":    outbound.Shared(p, st, "k", nil),
			"moved":     outbound.Shared(p, st, "other", &outbound.SharedOptions{EncryptionKey: key1}),
		} {
			before := p.n.Load()
			got, err := f.Fetch(t.Context())
			if err != nil || got.Value == tok.Value || strings.HasPrefix(got.Value, "gatehouse:") || p.n.Load() != before+1 {
				t.Errorf("%s: got %q, %v after %d fetches; want a new token from the provider", name, got.Value, err, p.n.Load()-before)
			}
			synctest.Wait()
			_ = st.Save(t.Context(), "k", stored) // restore the sealed one
		}
		// The fields stored beside the sealed value are bound to it: a writer
		// without the key cannot stretch the token's life or change its
		// scheme.
		for name, tamper := range map[string]func(*outbound.SharedToken){
			"stretched expiry":   func(st *outbound.SharedToken) { st.Token.Expiry = st.Token.Expiry.AddDate(100, 0, 0) },
			"other scheme":       func(st *outbound.SharedToken) { st.Token.Type = "Basic" },
			"younger fetch time": func(st *outbound.SharedToken) { st.Fetched = st.Fetched.Add(30 * time.Minute) },
		} {
			forged := stored
			tamper(&forged)
			_ = st.Save(t.Context(), "k", forged)
			before := p.n.Load()
			got, err := outbound.Shared(p, st, "k", &outbound.SharedOptions{EncryptionKey: key1}).Fetch(t.Context())
			if err != nil || got.Value == tok.Value || got.Type == "Basic" || p.n.Load() != before+1 {
				t.Errorf("%s: got %q (%q), %v after %d fetches; want a new token from the provider", name, got.Value, got.Type, err, p.n.Load()-before)
			}
			synctest.Wait()
			_ = st.Save(t.Context(), "k", stored)
		}
		// A replica with the key refuses a plaintext token planted in the store.
		_ = st.Save(t.Context(), "k", outbound.SharedToken{Token: outbound.Token{Value: "planted", Expiry: time.Now().Add(time.Hour)}})
		if got, _ := a.Fetch(t.Context()); got.Value == "planted" {
			t.Error("an unsealed token was accepted with an EncryptionKey set")
		}
		synctest.Wait()
	})
}

// Two credentials, and one credential with two scope sets, never share.
func TestSharedKeysSeparateCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		keys := []string{
			outbound.CredentialKey("efi", "https://pix.api.efipay.com.br", "client-a", "cob.read"),
			outbound.CredentialKey("efi", "https://pix.api.efipay.com.br", "client-b", "cob.read"),
			outbound.CredentialKey("efi", "https://pix.api.efipay.com.br", "client-a", "cob.read cob.write"),
		}
		for _, k := range keys {
			p := &provider{life: time.Hour}
			_, err := outbound.Shared(p, st, k, nil).Fetch(t.Context())
			if err != nil || p.n.Load() != 1 {
				t.Fatalf("%s: %v, %d fetches; want its own fetch", k, err, p.n.Load())
			}
			synctest.Wait()
			got, _, _ := st.Load(t.Context(), k)
			if got.Token.Value != "tok-1" {
				t.Errorf("%s holds %q", k, got.Token.Value)
			}
		}
		if len(keys) != 3 || keys[0] == keys[1] || keys[0] == keys[2] || keys[1] == keys[2] {
			t.Errorf("keys collide: %v", keys)
		}
	})
}

func TestCredentialKey(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
	}{
		{"length prefix", []string{"ab", "c"}, []string{"a", "bc"}},
		{"empty part", []string{"a", ""}, []string{"a"}},
		{"order", []string{"a", "b"}, []string{"b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if outbound.CredentialKey(tt.a...) == outbound.CredentialKey(tt.b...) {
				t.Errorf("%q and %q give one key", tt.a, tt.b)
			}
		})
	}
	k := outbound.CredentialKey("divipay", "https://api.divipay.com.br", "id")
	if !strings.HasPrefix(k, "gatehouse:token:") || len(k) != len("gatehouse:token:")+64 {
		t.Errorf("key %q: want the prefix and 64 hex digits", k)
	}
	if k != outbound.CredentialKey("divipay", "https://api.divipay.com.br", "id") {
		t.Error("not deterministic")
	}
}

// missOnce hides the stored token from the first Load: as if the previous
// lease holder saved and released between this process's load and lease.
type missOnce struct {
	outbound.Store
	missed atomic.Bool
}

func (s *missOnce) Load(ctx context.Context, key string) (outbound.SharedToken, bool, error) {
	if s.missed.CompareAndSwap(false, true) {
		return outbound.SharedToken{}, false, nil
	}
	return s.Store.Load(ctx, key)
}

// The lease winner looks again before it fetches.
func TestSharedLeaseWinnerLooksAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := outbound.MemoryStore()
		_ = mem.Save(t.Context(), "k", outbound.SharedToken{
			Token: outbound.Token{Value: "saved", Expiry: time.Now().Add(time.Hour)}, Fetched: time.Now()})
		p := &provider{life: time.Hour}
		tok, err := outbound.Shared(p, &missOnce{Store: mem}, "k", nil).Fetch(t.Context())
		if err != nil || tok.Value != "saved" || p.n.Load() != 0 {
			t.Errorf("got %q, %v after %d provider fetches; want the saved token and none", tok.Value, err, p.n.Load())
		}
		synctest.Wait()
	})
}

// A holder that never delivers costs a Source at most half its fetch
// timeout: the waiter then fetches for itself rather than fail.
func TestSharedWaitLeavesTimeToFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		if _, ok, _ := st.Lease(t.Context(), "k", time.Hour); !ok { // a holder that hangs
			t.Fatal("lease")
		}
		p := &provider{life: time.Hour}
		src := outbound.NewSource(outbound.Shared(p, st, "k", &outbound.SharedOptions{LeaseTTL: time.Hour}),
			&outbound.SourceOptions{FetchTimeout: 10 * time.Second})
		start := time.Now()
		if _, err := src.Token(t.Context()); err != nil {
			t.Fatalf("the caller failed: %v", err)
		}
		if d := time.Since(start); d != 5*time.Second {
			t.Errorf("fetched after %v, want 5s (half the fetch timeout)", d)
		}
	})
}

// A Source over a Shared fetcher still refuses an invalid wrapped fetcher.
func TestSharedForwardsValidate(t *testing.T) {
	src := outbound.NewSource(outbound.Shared(&outbound.ClientCredentials{}, outbound.MemoryStore(), "k", nil), nil)
	if _, err := src.Token(t.Context()); !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Errorf("err %v, want ErrInvalidConfig from ClientCredentials.Validate", err)
	}
}

// A waiter whose stale token is running out does not wait for a slow holder
// past half of what the token has left: it fetches for itself, and the
// Source's callers never wait.
func TestSharedSlowHolderCostsAFetchNotAWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		now := time.Now()
		// A 2 s token fetched 1.2 s ago: stale, usable for 0.6 s more
		// (expiry less a tenth of its life).
		_ = st.Save(t.Context(), "k", outbound.SharedToken{
			Token: outbound.Token{Value: "stale", Expiry: now.Add(800 * time.Millisecond)}, Fetched: now.Add(-1200 * time.Millisecond)})
		if _, ok, _ := st.Lease(t.Context(), "k", outbound.DefaultLeaseTTL); !ok { // a holder that never delivers
			t.Fatal("lease")
		}
		p := &provider{life: 2 * time.Second}
		tok, err := outbound.Shared(p, st, "k", nil).Fetch(t.Context())
		if err != nil || tok.Value != "tok-1" {
			t.Fatalf("got %q, %v; want a token of our own", tok.Value, err)
		}
		if d := time.Since(now); d != 300*time.Millisecond {
			t.Errorf("fetched after %v, want 300ms (half of the 600ms the stale token had left)", d)
		}
	})
}
