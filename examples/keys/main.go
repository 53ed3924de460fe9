// Command keys issues, lists and revokes API keys kept in PostgreSQL, and
// serves an API guarded by them: the keys are checked by their checksum,
// then through a cache in front of the database, and a key revoked by any
// process is refused by every server within a second.
//
//	export DATABASE_URL=postgres://user:password@localhost/app
//	go run ./examples/keys create -subject acme -prefix '$aact_prod_'   # prints the key, once
//	go run ./examples/keys list -subject acme
//	go run ./examples/keys revoke -id key_…
//	go run ./examples/keys serve -addr 127.0.0.1:8080                   # GET /v3/payments with access_token
//	go run ./examples/keys -selftest   # against DATABASE_URL, or a throwaway PostgreSQL when unset
//
// The connection string is read from -dsn or DATABASE_URL and never
// printed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
)

// environments are the key prefixes this API knows, Asaas style.
var environments = map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"}

func main() {
	dsn := flag.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL connection string (default $DATABASE_URL)")
	test := flag.Bool("selftest", false, "create keys, serve them on a random loopback port, check the answers, print a verdict and exit")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: keys [-dsn URL] create|list|revoke|serve [flags], or keys -selftest")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *test {
		err = selftest(ctx, *dsn, os.Stdout)
	} else {
		err = command(ctx, *dsn, flag.Args(), os.Stdout)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// command runs one of the subcommands.
func command(ctx context.Context, dsn string, args []string, w io.Writer) error {
	if len(args) == 0 {
		flag.Usage()
		return errors.New("keys: no command")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	subject := fs.String("subject", "", "the key's owner")
	prefix := fs.String("prefix", "$aact_prod_", "the key's prefix ($aact_prod_ or $aact_hmlg_)")
	expires := fs.Duration("expires", 0, "lifetime of the key (0: never expires)")
	id := fs.String("id", "", "the key's ID (revoke)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (serve)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, closeStore, err := open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer closeStore()
	switch args[0] {
	case "create":
		return create(ctx, store, *subject, *prefix, *expires, w)
	case "list":
		return list(ctx, store, *subject, w)
	case "revoke":
		return store.Revoke(ctx, *id)
	case "serve":
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return err
		}
		log.Printf("listening on http://%s", ln.Addr())
		return serve(ctx, store, ln)
	}
	return fmt.Errorf("keys: unknown command %q", args[0])
}

// open connects to PostgreSQL and returns the key store.
func open(ctx context.Context, dsn string, opts *pgstore.Options) (*pgstore.Store, func(), error) {
	if dsn == "" {
		return nil, nil, errors.New("keys: set -dsn or DATABASE_URL")
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, nil, errors.New("keys: invalid connection string") // pgx's message may quote it
	}
	store, err := pgstore.New(ctx, pool, opts)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return store, func() { store.Close(); pool.Close() }, nil
}

func create(ctx context.Context, store *pgstore.Store, subject, prefix string, lifetime time.Duration, w io.Writer) error {
	k := pgstore.Key{Subject: subject, Prefix: prefix, Environment: environments[prefix]}
	if lifetime > 0 {
		k.ExpiresAt = time.Now().Add(lifetime)
	}
	key, err := store.Create(ctx, k)
	if err != nil {
		return err
	}
	// The only time the key is seen: the database keeps its hash.
	fmt.Fprintln(w, key)
	return nil
}

func list(ctx context.Context, store *pgstore.Store, subject string, w io.Writer) error {
	keys, err := store.List(ctx, subject)
	if err != nil {
		return err
	}
	for _, k := range keys {
		state := "active"
		switch {
		case !k.RevokedAt.IsZero():
			state = "revoked " + k.RevokedAt.Format(time.RFC3339)
		case !k.ExpiresAt.IsZero() && time.Now().After(k.ExpiresAt):
			state = "expired"
		}
		used := "never used"
		if !k.LastUsedAt.IsZero() {
			used = "last used " + k.LastUsedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s  %s…%s  %s  created %s  %s  %s\n", k.ID, k.Prefix, k.Last4, k.Environment,
			k.CreatedAt.Format(time.RFC3339), used, state)
	}
	return nil
}

// serve answers GET /v3/payments for production keys (with a User-Agent)
// until ctx ends.
func serve(ctx context.Context, store *pgstore.Store, ln net.Listener) error {
	guard, watch, err := newGuard(store)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan struct{})
	go func() { defer close(watched); _ = watch(ctx) }()
	defer func() { cancel(); <-watched }()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/payments", func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		fmt.Fprintf(w, "hello %s (%s key %s)\n", p.Subject, p.Environment, p.KeyID)
	})
	srv := &http.Server{Handler: stdauth.Require(guard)(mux), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newGuard builds the API's guard: a User-Agent, then a production key with
// a valid checksum, looked up through a cache that watch keeps in step with
// revocations.
func newGuard(store *pgstore.Store) (*middleware.Guard, func(context.Context) error, error) {
	cache := inbound.CachedKeys(store, nil)
	keys, err := inbound.APIKey(cache, &inbound.APIKeyOptions{
		Checksum:     true,
		Environments: environments,
		Environment:  "production",
	})
	if err != nil {
		return nil, nil, err
	}
	guard, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		return nil, nil, err
	}
	return guard, func(ctx context.Context) error { return store.Watch(ctx, cache) }, nil
}
