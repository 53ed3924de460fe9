module github.com/gatehouse-go/gatehouse

go 1.25.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	golang.org/x/sync v0.22.0
	software.sslmate.com/src/go-pkcs12 v0.7.4
)

require golang.org/x/crypto v0.53.0 // indirect
