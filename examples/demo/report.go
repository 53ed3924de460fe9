package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// printSetup says what runs where.
func printSetup(w io.Writer, cfg config, res *results) {
	fmt.Fprintf(w, "gatehouse demo: %v, %d clients per provider and per framework, tokens live %v\n\n",
		cfg.Duration, cfg.Concurrency, cfg.Lifetime)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "outbound\tfake provider\tcalled through")
	for _, p := range res.providers {
		via := "Bearer token from a refreshing Source"
		if p.shared {
			via += ", shared with the other replica through a Store"
		}
		if p.source == nil {
			via = "access_token API key + User-Agent"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.name, p.fake.URL, via)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "inbound\tprotected API\troutes")
	for _, ad := range res.adapters {
		fmt.Fprintf(tw, "%s\t%s\t/v1/* Bearer JWT (HS256, ES256 from a JWK Set), /keys/* API key + User-Agent\n", ad.name, ad.srv.URL)
	}
	tw.Flush()
	n := tokenProviders(res)
	fmt.Fprintf(w, "\nTokens live %v and are refreshed at half their life, so each of the %d fake token endpoints (the DiviPay\n"+
		"replicas share one) should get about one token request every %v: the progress line's count of token\n"+
		"requests, the total over all of them, should grow by about %d every %v.\n",
		cfg.Lifetime, n, cfg.Lifetime/2, n, cfg.Lifetime/2)
	fmt.Fprintln(w, "The inbound clients send invalid credentials on purpose (expired, forged, wrong audience, missing scope,")
	fmt.Fprintln(w, "wrong key environment, no User-Agent, ...): each must be refused with the same code by every framework.")
	fmt.Fprintf(w, "\nmetrics (OpenTelemetry through the Prometheus exporter): %s\n\n", res.tel.addr)
}

// tokenProviders counts the fake providers whose tokens are fetched (Asaas
// has a static key; replicas that share a token count once).
func tokenProviders(res *results) int { return len(tokenFakes(res)) }

// tokenFakes returns the fake providers whose tokens are fetched, each once.
func tokenFakes(res *results) []*providertest.Server {
	var fakes []*providertest.Server
	for _, p := range res.providers {
		if p.source != nil && !slices.Contains(fakes, p.fake) {
			fakes = append(fakes, p.fake)
		}
	}
	return fakes
}

// printVerdict writes the run's one-line verdict, which matches the exit status.
func printVerdict(w io.Writer, res *results, elapsed time.Duration) {
	out, in, tokenRequests := res.totals()
	if n := res.problems.count(); n > 0 {
		fmt.Fprintf(w, "\nFAIL: %d unexpected results out of %d outbound and %d inbound requests\n", n, out, in)
		return
	}
	fmt.Fprintf(w, "\nPASS: %d outbound and %d inbound requests in %v, every answer as expected; %d token requests to the fake providers in all\n",
		out, in, elapsed.Round(100*time.Millisecond), tokenRequests)
}

// printSummary writes the two tables and the unexpected results.
func printSummary(w io.Writer, res *results) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("provider")
	for _, p := range res.providers {
		width = max(width, len([]rune(p.name)))
	}
	fmt.Fprintf(tw, "%-*s\trequests\tOK\tSource fetches\ttoken requests\trefreshed ahead\twaited for a token\terrors\t\n", width, "provider")
	for _, p := range res.providers {
		fetches, sent, ahead, waits := "-", "-", "-", "-" // Asaas: a static key, nothing to fetch
		if p.source != nil {
			s := p.source.Stats()
			fetches, sent, ahead, waits = itoa(s.Fetches), itoa(p.tokenRequests()), itoa(s.BackgroundRefreshes), itoa(s.Waits)
		}
		fmt.Fprintf(tw, "%-*s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t\n", width, p.name, p.requests.Load(), p.ok.Load(), fetches, sent, ahead, waits, p.failed.Load())
	}
	tw.Flush()
	fmt.Fprintln(w, "Source fetches: tokens the client's Source fetched (a replica's fetch asks the store first, the provider only when it takes the lease)")
	fmt.Fprintln(w, "token requests: requests the client sent to the fake provider's token endpoint")
	fmt.Fprintln(w, "refreshed ahead: Source fetches made in the background while the old token was still valid")
	fmt.Fprintln(w, "waited for a token: requests that found no usable token (with refreshes ahead of expiry, only the first ones)")
	printFleet(w, res)
	fmt.Fprintln(w)

	// One row per answer, one column per framework: the columns must agree.
	labels := []string{"inbound", "requests", "accepted", "unexpected"}
	for _, c := range rejections(res.credentials) {
		labels = append(labels, fmt.Sprintf("%d %s", c.status, c.code))
	}
	width = 0
	for _, l := range labels {
		width = max(width, len(l))
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\t", width, "inbound")
	for _, ad := range res.adapters {
		fmt.Fprintf(tw, "%s\t", ad.name)
	}
	fmt.Fprintln(tw)
	row := func(label string, value func(*adapter) int64) {
		fmt.Fprintf(tw, "%-*s\t", width, label)
		for _, ad := range res.adapters {
			fmt.Fprintf(tw, "%d\t", value(ad))
		}
		fmt.Fprintln(tw)
	}
	row("requests", func(ad *adapter) int64 { return ad.requests.Load() })
	row("accepted", func(ad *adapter) int64 { return ad.accepted.Load() })
	for _, c := range rejections(res.credentials) {
		row(fmt.Sprintf("%d %s", c.status, c.code), func(ad *adapter) int64 { return counter(ad.rejected, c.code) })
	}
	row("unexpected", func(ad *adapter) int64 { return ad.unexpected.Load() })
	tw.Flush()
	fmt.Fprintf(w, "JWT cache: %d hits, %d misses (tokens verified afresh, refused ones included); JWK Set fetches: %d (%s)\n",
		res.tel.cacheHits.Load(), res.tel.cacheMisses.Load(), res.issuer.requests.Load(), res.issuer.srv.URL)

	if list := res.problems.list(); len(list) > 0 {
		fmt.Fprintf(w, "\n%d unexpected results; the first ones:\n", res.problems.count())
		for _, p := range list {
			fmt.Fprintln(w, "  ", p)
		}
	}
}

// printFleet writes what the DiviPay replicas' sharing did: their Sources'
// fetches against the token requests their shared fake got, and the store's
// events.
func printFleet(w io.Writer, res *results) {
	var fetches, sent int64
	var fake *providertest.Server
	for _, p := range res.providers {
		if p.shared {
			fetches += p.source.Stats().Fetches
			sent += p.tokenRequests()
			fake = p.fake
		}
	}
	if fake == nil {
		return
	}
	ev := &res.tel.fleet.events
	fmt.Fprintf(w, "DiviPay replicas share one token through a Store: %d Source fetches in all cost %d token requests (the fake got %d);\n"+
		"  %d found the token in the store, %d took the lease and fetched, %d waited for the holder, %d store errors\n",
		fetches, sent, fake.TokenRequests(), ev[outbound.SharedHit].Load(), ev[outbound.SharedLeaseWon].Load(),
		ev[outbound.SharedLeaseWaited].Load(), ev[outbound.SharedStoreError].Load())
}

// rejections lists the refused credentials in the order they are sent, one
// per error code.
func rejections(creds []credential) []credential {
	var out []credential
	seen := map[string]bool{}
	for _, c := range creds {
		if c.code != "" && !seen[c.code] {
			seen[c.code] = true
			out = append(out, c)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// counter reads an atomic counter that may be missing from a map.
func counter(m map[string]*atomic.Int64, k string) int64 {
	if c, ok := m[k]; ok {
		return c.Load()
	}
	return 0
}
