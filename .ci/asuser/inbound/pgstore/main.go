// A user's program for inbound/pgstore: a store is refused a bad table name
// at construction, and an issued key's format is checked without any query.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	// A pool that is never dialled: New refuses the table name before any query.
	cfg, err := pgxpool.ParseConfig("postgres://user@127.0.0.1:1/db")
	if err != nil {
		log.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if _, err := pgstore.New(context.Background(), pool, &pgstore.Options{Table: "keys; DROP TABLE x"}); !errors.Is(err, pgstore.ErrInvalidConfig) {
		log.Fatalf("a bad table name: %v, want ErrInvalidConfig", err)
	}
	key, _, err := inbound.NewAPIKey("gh_test_")
	if err != nil || !strings.HasPrefix(key, "gh_test_") || len(key) != len("gh_test_")+36 {
		log.Fatalf("NewAPIKey: %d characters, %v", len(key), err)
	}
	fmt.Println("inbound/pgstore: a bad table name refused at construction; an issued key has the checksummed format")
}
