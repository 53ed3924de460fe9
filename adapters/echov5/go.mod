module github.com/gatehouse-go/gatehouse/adapters/echov5

go 1.25.0

require (
	github.com/gatehouse-go/gatehouse v0.1.0
	github.com/labstack/echo/v5 v5.4.6
	go.uber.org/goleak v1.3.0
)

require golang.org/x/sync v0.22.0 // indirect

replace github.com/gatehouse-go/gatehouse => ../..
