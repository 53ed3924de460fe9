package main

import (
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
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
	fmt.Fprintf(w, "\nTokens live %v and are refreshed at half their life, so each of the %d token providers should make\n"+
		"about one fetch every %v: the progress line's fetch count is the total over all of them.\n",
		cfg.Lifetime, tokenProviders(res), cfg.Lifetime/2)
	fmt.Fprintln(w, "The inbound clients send invalid credentials on purpose (expired, forged, wrong audience, missing scope,")
	fmt.Fprintln(w, "wrong key environment, no User-Agent, ...): each must be refused with the same code by every framework.")
	fmt.Fprintf(w, "\nmetrics (OpenTelemetry through the Prometheus exporter): %s\n\n", res.tel.addr)
}

// tokenProviders counts the fake providers whose tokens are fetched (Asaas
// has a static key; replicas that share a token count once).
func tokenProviders(res *results) int {
	fakes := map[any]bool{}
	for _, p := range res.providers {
		if p.source != nil {
			fakes[p.fake] = true
		}
	}
	return len(fakes)
}

// printVerdict writes the run's one-line verdict, which matches the exit status.
func printVerdict(w io.Writer, res *results, elapsed time.Duration) {
	out, in, fetches := res.totals()
	if n := res.problems.count(); n > 0 {
		fmt.Fprintf(w, "\nFAIL: %d unexpected results out of %d outbound and %d inbound requests\n", n, out, in)
		return
	}
	fmt.Fprintf(w, "\nPASS: %d outbound and %d inbound requests in %v, every answer as expected; %d token fetches in all\n",
		out, in, elapsed.Round(100*time.Millisecond), fetches)
}

// printSummary writes the two tables and the unexpected results.
func printSummary(w io.Writer, res *results) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("provider")
	for _, p := range res.providers {
		width = max(width, len([]rune(p.name)))
	}
	fmt.Fprintf(tw, "%-*s\trequests\tOK\ttoken fetches\trefreshed ahead\twaited for a token\terrors\t\n", width, "provider")
	for _, p := range res.providers {
		fetches, ahead, waits := "-", "-", "-" // Asaas: a static key, nothing to fetch
		if p.source != nil {
			s := p.source.Stats()
			fetches, ahead, waits = itoa(s.Fetches), itoa(s.BackgroundRefreshes), itoa(s.Waits)
		}
		fmt.Fprintf(tw, "%-*s\t%d\t%d\t%s\t%s\t%s\t%d\t\n", width, p.name, p.requests.Load(), p.ok.Load(), fetches, ahead, waits, p.failed.Load())
	}
	tw.Flush()
	fmt.Fprintln(w, "refreshed ahead: token fetches made in the background while the old token was still valid")
	fmt.Fprintln(w, "waited for a token: requests that found no usable token (with refreshes ahead of expiry, only the first ones)")
	ev := &res.tel.fleet.events
	fmt.Fprintf(w, "DiviPay replicas share one token through a Store: %d found it there, %d took the lease and fetched, %d waited for the holder, %d store errors\n",
		ev[outbound.SharedHit].Load(), ev[outbound.SharedLeaseWon].Load(), ev[outbound.SharedLeaseWaited].Load(), ev[outbound.SharedStoreError].Load())
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
