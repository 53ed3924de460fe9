package readme_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/gatehouse-go/gatehouse/adapters/echo"
	"github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
	"github.com/gatehouse-go/gatehouse/middleware"
	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"
)

// The examples below are the README's snippets. Those without an Output
// comment call real providers or listen on a port, so go test compiles them
// without running them.

func Example_efi() {
	cert, err := mtls.LoadPFXFile("producao.p12", os.Getenv("EFI_CERT_PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	client, err := efi.New(efi.Config{
		Environment:  efi.Production,
		API:          efi.Pix,
		ClientID:     os.Getenv("EFI_CLIENT_ID"),
		ClientSecret: os.Getenv("EFI_CLIENT_SECRET"),
		Certificates: []tls.Certificate{cert},
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Get(efi.BaseURL(efi.Production, efi.Pix) + "/v2/cob")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

func Example_sopague() {
	client, err := sopague.New(sopague.Config{
		Environment: sopague.Production,
		API:         sopague.Gateway,
		UserName:    os.Getenv("SOPAGUE_USERNAME"),
		Password:    os.Getenv("SOPAGUE_PASSWORD"),
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Get(sopague.BaseURL(sopague.Production, sopague.Gateway) + "/api/transactions")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

func Example_divipay() {
	client, err := divipay.New(divipay.Config{
		Environment:  divipay.Production,
		ClientID:     os.Getenv("DIVIPAY_CLIENT_ID"),
		ClientSecret: os.Getenv("DIVIPAY_CLIENT_SECRET"),
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Get(divipay.ProductionURL + "/api/charge/abc123")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

func Example_bankingapi() {
	cert, err := mtls.LoadPFXFile("client.pfx", os.Getenv("BANKING_PFX_PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	client, err := bankingapi.New(bankingapi.Config{
		Environment:  bankingapi.Production,
		ClientID:     os.Getenv("BANKING_CLIENT_ID"),
		ClientSecret: os.Getenv("BANKING_CLIENT_SECRET"),
		Certificates: []tls.Certificate{cert},
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Get(bankingapi.ProductionURL + "/public/gw_banking/v1/accounts/123/balance")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

func Example_asaas() {
	key := os.Getenv("ASAAS_API_KEY") // $aact_prod_… or $aact_hmlg_…
	env, err := asaas.EnvironmentOf(key)
	if err != nil {
		log.Fatal(err)
	}
	client, err := asaas.New(asaas.Config{Environment: env, APIKey: key, UserAgent: "shop/1.0"})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Get(asaas.BaseURL(env) + "/customers")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

// issuerKey stands for the public key of the token issuer.
var issuerKey = &ecdsa.PublicKey{}

func Example_std() {
	keys, err := inbound.StaticKeys(map[string]any{"2026-01": issuerKey})
	if err != nil {
		log.Fatal(err)
	}
	jwtAuth, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"ES256"},
		Issuer:     "https://auth.example.com",
		Audience:   "payments",
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(jwtAuth, nil)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/charges", func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		fmt.Fprintln(w, "hello", p.Subject)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", stdauth.Require(guard)(mux)))
}

func Example_gin() {
	keys, err := inbound.JWKS("https://auth.example.com/.well-known/jwks.json", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer keys.Close() // stops the background refresh
	jwtAuth, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"RS256"},
		Issuer:     "https://auth.example.com",
		Audience:   "payments-api",
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(jwtAuth, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(ginauth.Require(guard))
	r.GET("/v1/charges", func(c *gin.Context) {
		p, _ := ginauth.Principal(c)
		c.String(http.StatusOK, "hello %s", p.Subject)
	})
	log.Fatal(r.Run("127.0.0.1:8080"))
}

func Example_echo() {
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		os.Getenv("CUSTOMER_API_KEY"): {Subject: "acme"},
	}), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	e.Use(echoauth.Require(guard))
	e.GET("/v3/payments", func(c echo.Context) error {
		p, _ := echoauth.Principal(c)
		return c.String(http.StatusOK, "hello "+p.Subject)
	})
	log.Fatal(e.Start("127.0.0.1:8080"))
}

func Example_providertest() {
	fake, err := providertest.NewDiviPay(nil) // an HTTPS DiviPay on 127.0.0.1
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	client, err := divipay.New(divipay.Config{
		BaseURL:      fake.BaseURL(),
		Base:         fake.Client().Transport, // trusts the fake's CA
		ClientID:     fake.Credentials().ClientID,
		ClientSecret: fake.Credentials().ClientSecret,
	})
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		resp, err := client.Get(fake.BaseURL() + "/api/charge/abc123")
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	fmt.Println("token requests:", fake.TokenRequests(), "API requests:", fake.APIRequests())
	// Output: token requests: 1 API requests: 3
}

func Example_issuer() {
	iss, err := providertest.NewIssuer("ES256") // HS256, RS256, ES256 or EdDSA; a JWK Set over HTTPS on 127.0.0.1
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	keys, err := inbound.JWKS(iss.JWKSURL(), &inbound.JWKSOptions{Client: iss.Client()})
	if err != nil {
		log.Fatal(err)
	}
	defer keys.Close()
	v, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"ES256"},
		Issuer:     iss.URL(),
		Audience:   providertest.IssuerAudience,
	})
	if err != nil {
		log.Fatal(err)
	}
	tok, err := iss.Token(map[string]any{"sub": "alice", "scope": "payments:read"})
	if err != nil {
		log.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/v1/payments", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	p, err := v.Validate(r)
	fmt.Println(p.Subject, p.Scopes, err)
	// Output: alice [payments:read] <nil>
}

func Example_observability() {
	var validator inbound.Validator = inbound.UserAgent()
	tel, err := gatehouseotel.New(nil, nil) // nil: the global MeterProvider and TracerProvider
	if err != nil {
		log.Fatal(err)
	}
	client, err := divipay.New(divipay.Config{
		Environment:  divipay.Production,
		ClientID:     os.Getenv("DIVIPAY_CLIENT_ID"),
		ClientSecret: os.Getenv("DIVIPAY_CLIENT_SECRET"),
		SourceOptions: tel.Source("divipay", &outbound.SourceOptions{
			// your own hook keeps running, after the telemetry's
			OnFetch: func(ev outbound.FetchEvent) { slog.Info("token", "fetch", ev) },
		}),
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(validator, tel.Guard(nil))
	if err != nil {
		log.Fatal(err)
	}
	_, _ = client, guard // and: tel.JWT(opts), tel.JWKS(opts), tel.Shared(name, opts), tel.Reloader(opts)
}

func Example_proofOfPossession() {
	var (
		dpopKey, clientKey *ecdsa.PrivateKey
		keys               inbound.KeySet
		redisClient        redis.UniversalClient
	)
	// Outbound: a DPoP-bound token, fetched with a signed client assertion.
	prover, err := outbound.NewDPoPProver(dpopKey, nil) // e.g. an ECDSA P-256 key generated at start
	if err != nil {
		log.Fatal(err)
	}
	src := outbound.NewSource(&outbound.ClientCredentials{
		TokenURL:  "https://auth.example.com/oauth2/token",
		ClientID:  os.Getenv("CLIENT_ID"),
		AuthStyle: outbound.AuthPrivateKeyJWT,
		Assertion: &outbound.ClientAssertion{Key: clientKey},
		DPoP:      prover,
	}, nil)
	client := &http.Client{Transport: outbound.Chain(nil, outbound.DPoP(src, prover))}

	// Inbound: DPoP-bound tokens only, replayed proofs refused across the fleet.
	jwtAuth, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"ES256"},
		DPoP: &inbound.DPoPOptions{Required: true, Origin: "https://api.example.com",
			Replay: redisstore.NewReplayCache(redisClient, nil)},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, _ = client, jwtAuth
}

func Example_fleet() {
	var tokenKey []byte
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"}) // standalone, Sentinel or Cluster
	client, err := divipay.New(divipay.Config{
		Environment:  divipay.Production,
		ClientID:     os.Getenv("DIVIPAY_CLIENT_ID"),
		ClientSecret: os.Getenv("DIVIPAY_CLIENT_SECRET"),
		Store:        redisstore.New(rdb, nil),
		SharedOptions: &outbound.SharedOptions{
			EncryptionKey: tokenKey, // 32 bytes: tokens are sealed with AES-256-GCM in Redis
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}

func Example_pgstore() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	store, err := pgstore.New(ctx, pool, nil) // creates its table if missing
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	key, err := store.Create(ctx, pgstore.Key{Subject: "acme", Prefix: "$aact_prod_", Scopes: []string{"payments"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("hand this key to acme; only its hash is stored:", key)

	cache := inbound.CachedKeys(store, nil) // the database is asked once per key per 30 s
	go store.Watch(ctx, cache)              // a key revoked by any replica is forgotten here at once
	keys, err := inbound.APIKey(cache, &inbound.APIKeyOptions{
		Checksum:     true, // a mistyped or invented key never reaches the database
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", stdauth.Require(guard)(http.DefaultServeMux)))
}
