module github.com/gatehouse-go/gatehouse/internal/tools

go 1.25.0

require (
	golang.org/x/exp v0.0.0-20260812173653-3d80eb74bc5b
	golang.org/x/mod v0.38.0
	golang.org/x/tools v0.48.0
)

require golang.org/x/sync v0.22.0 // indirect
