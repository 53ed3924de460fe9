package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// DefaultTimeout bounds each Redis command when Options.Timeout is zero.
const DefaultTimeout = 250 * time.Millisecond

// Options configures the store. The zero value (or nil) gives the defaults
// documented on each field.
type Options struct {
	// Timeout bounds every Redis command, on top of the caller's context
	// (outbound.Shared bounds its calls by SharedOptions.StoreTimeout too).
	// Zero means DefaultTimeout (250 ms).
	Timeout time.Duration
}

// New returns an outbound.Store on client (standalone, Sentinel or Cluster).
// The client stays the caller's to close. opts may be nil.
//
// A nil client or negative Options.Timeout is a configuration error: the
// store never calls Redis, every method returns the error (wrapping
// outbound.ErrInvalidConfig), and outbound.Shared over it reports it at
// construction, through its Validate method.
func New(client redis.UniversalClient, opts *Options) outbound.Store {
	s := &store{c: client, timeout: DefaultTimeout}
	var errs []error
	if client == nil {
		errs = append(errs, configError("New with a nil client"))
	}
	if opts != nil && opts.Timeout < 0 {
		errs = append(errs, configError("Options.Timeout is negative"))
	}
	if opts != nil && opts.Timeout > 0 {
		s.timeout = opts.Timeout
	}
	s.invalid = errors.Join(errs...)
	return s
}

func configError(msg string) error {
	return fmt.Errorf("redisstore: %w: %s", outbound.ErrInvalidConfig, msg)
}

type store struct {
	c       redis.UniversalClient
	timeout time.Duration
	// invalid is New's configuration error: every call returns it.
	invalid error
}

// Validate returns New's configuration error, nil if there was none.
func (s *store) Validate() error { return s.invalid }

// names returns the Redis names of key: all hash-tagged {key}, so one
// credential's keys share a Cluster slot.
func names(key string) (tok, lease, signal string) {
	tag := "{" + key + "}"
	return tag, tag + ":lease", tag + ":signal"
}

// do runs one command bounded by the timeout and ctx. go-redis honours a
// context's deadline only with Options.ContextTimeoutEnabled; without it the
// command goes on in the background until the client's own read and write
// timeouts, but the caller gets its answer at the deadline all the same.
func (s *store) do(ctx context.Context, op string, cmd func(ctx context.Context) error) error {
	if s.invalid != nil {
		return s.invalid
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd(ctx) }()
	select {
	case err := <-done:
		return wrap(op, err)
	case <-ctx.Done():
		return wrap(op, ctx.Err())
	}
}

// Stored fields of a token hash.
const (
	fieldValue   = "v"
	fieldType    = "t"
	fieldExpiry  = "e" // unix nanoseconds, "0" for never
	fieldFetched = "f" // unix nanoseconds
)

func (s *store) Load(ctx context.Context, key string) (outbound.SharedToken, bool, error) {
	tok, _, _ := names(key)
	var vals []any
	err := s.do(ctx, "load", func(ctx context.Context) (err error) {
		vals, err = s.c.HMGet(ctx, tok, fieldValue, fieldType, fieldExpiry, fieldFetched).Result()
		return err
	})
	if err != nil || len(vals) != 4 {
		return outbound.SharedToken{}, false, err
	}
	v, ok := vals[0].(string)
	if !ok {
		return outbound.SharedToken{}, false, nil
	}
	typ, _ := vals[1].(string)
	exp, err1 := unixNano(vals[2])
	fetched, err2 := unixNano(vals[3])
	if err1 != nil || err2 != nil {
		return outbound.SharedToken{}, false, nil // not written by this package: a miss
	}
	if !exp.IsZero() && !time.Now().Before(exp) {
		return outbound.SharedToken{}, false, nil
	}
	return outbound.SharedToken{Token: outbound.Token{Value: v, Type: typ, Expiry: exp}, Fetched: fetched}, true, nil
}

func unixNano(v any) (time.Time, error) {
	s, _ := v.(string)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}, err
	}
	return time.Unix(0, n), nil
}

func nanos(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// saveScript replaces the token hash, sets its lifetime and signals, in one
// step. ARGV: value, type, expiry, fetched, ttl in ms ("0": none), channel.
var saveScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 't', ARGV[2], 'e', ARGV[3], 'f', ARGV[4])
if ARGV[5] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
redis.call('PUBLISH', ARGV[6], 's')
return 1`)

func (s *store) Save(ctx context.Context, key string, t outbound.SharedToken) error {
	ttl := "0"
	if !t.Token.Expiry.IsZero() {
		ms := time.Until(t.Token.Expiry).Milliseconds()
		if ms <= 0 {
			return nil // expired: nothing to keep
		}
		ttl = strconv.FormatInt(ms, 10)
	}
	tok, _, signal := names(key)
	return s.do(ctx, "save", func(ctx context.Context) error {
		return saveScript.Run(ctx, s.c, []string{tok},
			t.Token.Value, t.Token.Type, nanos(t.Token.Expiry), nanos(t.Fetched), ttl, signal).Err()
	})
}

// releaseScript deletes the lease if the owner still holds it. ARGV: owner,
// channel.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	redis.call('DEL', KEYS[1])
	redis.call('PUBLISH', ARGV[2], 'r')
	return 1
end
return 0`)

// leaseScript takes the lease if it is free, or broken: held without an
// expiry (PTTL -1), or with more left than the asked ttl, which no holder
// asks for (see outbound.Store). ARGV: owner, ttl in ms.
var leaseScript = redis.NewScript(`
local left = redis.call('PTTL', KEYS[1])
if left == -2 or left == -1 or left > tonumber(ARGV[2]) then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
	return 1
end
return 0`)

func (s *store) Lease(ctx context.Context, key string, ttl time.Duration) (func(), bool, error) {
	if s.invalid != nil {
		return nil, false, s.invalid
	}
	if ttl <= 0 {
		// SET with no expiry would hold the lease for good.
		return nil, false, &Error{Op: "lease", Err: errors.New("ttl must be positive")}
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	owner := hex.EncodeToString(b[:])
	_, lease, signal := names(key)
	ms := strconv.FormatInt(max(ttl.Milliseconds(), 1), 10)
	var ok bool
	err := s.do(ctx, "lease", func(ctx context.Context) error {
		n, err := leaseScript.Run(ctx, s.c, []string{lease}, owner, ms).Int()
		ok = n == 1
		return err
	})
	if err != nil || !ok {
		return nil, false, err
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			_ = s.do(context.WithoutCancel(ctx), "release", func(ctx context.Context) error {
				return releaseScript.Run(ctx, s.c, []string{lease}, owner, signal).Err()
			})
		})
	}
	return release, true, nil
}

// dropScript deletes the token if its stored value is still ARGV[1].
// ARGV: value, channel.
var dropScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then
	redis.call('DEL', KEYS[1])
	redis.call('PUBLISH', ARGV[2], 'd')
	return 1
end
return 0`)

func (s *store) Drop(ctx context.Context, key string, value string) error {
	tok, _, signal := names(key)
	return s.do(ctx, "drop", func(ctx context.Context) error {
		return dropScript.Run(ctx, s.c, []string{tok}, value, signal).Err()
	})
}

// Error is a failed Redis command. It never holds a token: go-redis errors
// carry Redis's replies, which for these commands are never values.
type Error struct {
	// Op is the store call: "load", "save", "lease", "drop" or "watch".
	Op  string
	Err error
}

func (e *Error) Error() string { return "redisstore: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the go-redis (or context) error.
func (e *Error) Unwrap() error { return e.Err }

func wrap(op string, err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return nil
	}
	return &Error{Op: op, Err: err}
}
