module github.com/gatehouse-go/gatehouse/outbound/redisstore

go 1.25.0

replace github.com/gatehouse-go/gatehouse => ../..

require (
	github.com/gatehouse-go/gatehouse v0.1.0
	github.com/redis/go-redis/v9 v9.22.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
)
