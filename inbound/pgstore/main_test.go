package pgstore_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/goleak"
)

// server is the package's throwaway PostgreSQL; nil when none could be had.
var (
	server    *pgtest.Server
	serverErr error
)

func TestMain(m *testing.M) {
	server, serverErr = pgtest.Start()
	code := m.Run()
	if err := server.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "removing the PostgreSQL cluster:", err)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// needServer skips the test when no PostgreSQL server could be started.
func needServer(t testing.TB) *pgtest.Server {
	t.Helper()
	if server == nil {
		t.Skipf("skipping: no PostgreSQL server (Debian's postgresql package): %v", serverErr)
	}
	return server
}

// queryCounter is a pgx tracer that counts the queries that mention a
// string, such as the lookup's "WHERE hash".
type queryCounter struct {
	mu     sync.Mutex
	counts map[string]*atomic.Int64
	// idsTouched counts the key IDs whose last use was written.
	idsTouched atomic.Int64
}

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	q.mu.Lock()
	defer q.mu.Unlock()
	for s, n := range q.counts {
		if strings.Contains(d.SQL, s) {
			n.Add(1)
		}
	}
	if strings.Contains(d.SQL, "SET last_used_at") && len(d.Args) == 1 {
		ids, _ := d.Args[0].([]string)
		q.idsTouched.Add(int64(len(ids)))
	}
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// count returns the counter of queries that contain s.
func (q *queryCounter) count(s string) *atomic.Int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.counts == nil {
		q.counts = map[string]*atomic.Int64{}
	}
	if q.counts[s] == nil {
		q.counts[s] = new(atomic.Int64)
	}
	return q.counts[s]
}

// newPool returns a pool on the server, with a query counter, closed at the
// end of the test.
func newPool(t testing.TB) (*pgxpool.Pool, *queryCounter) {
	t.Helper()
	srv := needServer(t)
	cfg, err := pgxpool.ParseConfig(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	qc := &queryCounter{}
	cfg.ConnConfig.Tracer = qc
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, qc
}

var tableSeq atomic.Int64

// newStore returns a Store on a new table whose name starts with table,
// closed at the end of the test.
func newStore(t testing.TB, pool *pgxpool.Pool, table string) *pgstore.Store {
	t.Helper()
	// A table of its own on every run (-count, -cpu run a test again on
	// the same server).
	table = fmt.Sprintf("%s_%d", cmp.Or(table, "keys"), tableSeq.Add(1))
	s, err := pgstore.New(context.Background(), pool, &pgstore.Options{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
