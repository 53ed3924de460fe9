module github.com/gatehouse-go/gatehouse/adapters/echov5

go 1.25.0

require (
	github.com/gatehouse-go/gatehouse v0.0.0-00010101000000-000000000000
	github.com/labstack/echo/v5 v5.4.6
	go.uber.org/goleak v1.3.0
)

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

replace github.com/gatehouse-go/gatehouse => ../..
