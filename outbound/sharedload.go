package outbound

import (
	"context"
	"crypto/sha256"
	"time"
)

// look is what load found in the store.
type look struct {
	tok    Token
	issued time.Time
	// fresh: tok is fresh by the rule. Otherwise usable is when the stale
	// token in the store (which the Source above may be serving) stops
	// being usable, or zero if there is none.
	fresh  bool
	usable time.Time
}

// load reads the stored token and judges it by r, its lifetime counted from
// its Fetched time (from now, if that is unknown or ahead of this process's
// clock).
func (s *shared) load(ctx context.Context, r freshness) (look, error) {
	lctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
	defer cancel()
	st, ok, err := s.st.Load(lctx, s.key)
	if err != nil || !ok {
		return look{}, err
	}
	tok, ok := s.accept(st)
	if !ok {
		return look{}, nil
	}
	l := look{tok: tok, issued: st.Fetched}
	now := s.now()
	if l.issued.IsZero() || l.issued.After(now) {
		l.issued = now
	}
	if tok.Expiry.IsZero() {
		l.fresh = true
	} else {
		fresh, usable := r.limits(tok.Expiry.Sub(l.issued))
		l.fresh = now.Before(l.issued.Add(fresh))
		l.usable = l.issued.Add(usable)
	}
	if l.fresh {
		s.remember(tok.Value, st.Token.Value)
	}
	return l, nil
}

// accept opens a stored token and refuses what this process must not use: a
// value that does not open or cannot be sent in a header, one it
// invalidated, and one issued before the newest it has seen (put back by
// someone who can write the store). Refusals other than invalidated values
// are reported as a SharedMiss with the reason.
func (s *shared) accept(st SharedToken) (Token, bool) {
	tok := st.Token
	var err error
	tok.Value, err = open(s.aead, associatedData(s.key, st), st.Token.Value)
	if err == nil && !headerSafe(tok.Value) {
		err = errBadValue
	}
	if err == nil && s.invalidated(tok.Value) {
		return Token{}, false
	}
	if err == nil {
		err = s.see(st.Fetched)
	}
	if err != nil {
		s.emit(SharedEvent{Kind: SharedMiss, Err: err})
		return Token{}, false
	}
	return tok, true
}

// see records a stored token issued at fetched, or returns errRolledBack if
// it is older than the newest seen. A token of unknown age (no Fetched) is
// older than any. A fetch time ahead of this process's clock counts as now,
// so that one process's fast clock cannot make the tokens of the others look
// old.
func (s *shared) see(fetched time.Time) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.newest.IsZero() && fetched.Before(s.newest) {
		return errRolledBack
	}
	if fetched.After(now) {
		fetched = now
	}
	if fetched.After(s.newest) {
		s.newest = fetched
	}
	return nil
}

// remember records the token last returned, with its stored form.
func (s *shared) remember(value, stored string) {
	d := sha256.Sum256([]byte(value))
	s.mu.Lock()
	s.last.digest, s.last.stored = d, stored
	s.mu.Unlock()
}

func (s *shared) invalidated(value string) bool {
	d := sha256.Sum256([]byte(value))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.dropped {
		if v == d {
			return true
		}
	}
	return false
}

// invalidate makes t a miss at once and drops it from the store if it is
// still the stored token.
func (s *shared) invalidate(t Token) {
	if s.invalid != nil {
		return
	}
	d := sha256.Sum256([]byte(t.Value))
	s.mu.Lock()
	s.dropped[s.nextInv] = d
	s.nextInv = (s.nextInv + 1) % len(s.dropped)
	stored := ""
	if s.last.digest == d {
		stored = s.last.stored
	}
	s.mu.Unlock()
	if stored == "" {
		return // not the token this process got last: already replaced
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.storeTimeout)
		defer cancel()
		if err := s.st.Drop(ctx, s.key, stored); err != nil {
			s.storeError("drop", err)
		}
	}()
}
