package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

// baseline is the case an inbound case's overhead is measured against: the
// same framework without authentication; raw cases have none.
func baseline(c harness.InboundCase) string {
	if c.Framework == harness.Raw {
		return ""
	}
	return "inbound/" + c.Framework + "/" + harness.AuthNone
}

// inboundRow is a table row for c: ns/op, B/op, allocs/op, overhead, extra
// allocs.
func (r *report) inboundRow(c harness.InboundCase) []string {
	s := r.samples[c.Name]
	row := []string{nsSpread(s.Cost()), ns(s.Ns().Median), countSpread(s.Bytes()), countSpread(s.Allocs())}
	base := baseline(c)
	switch {
	case c.Auth == harness.AuthNone:
		return append(row, "—", "—")
	case base == "":
		return append(row, nsSpread(s.Cost()), countSpread(s.Allocs()))
	}
	extra := s.Allocs().Median - r.samples[base].Allocs().Median
	return append(row, nsSpread(r.over(c.Name, base)), fmt.Sprintf("%.0f", extra))
}

func jwtSection(w io.Writer, r *report, cases []harness.InboundCase) {
	fmt.Fprintf(w, "## 5. Inbound JWT\n\n")
	fmt.Fprintf(w, "One request served with `httptest.NewRecorder` and `ServeHTTP` (no network) through std (`http.ServeMux`), gin and echo. "+
		"gatehouse runs `BearerJWT` through `middleware.New` and each adapter; the peers are golang-jwt's parser in a hand-written std "+
		"middleware (algorithm allowlist, `exp` required, claims into the context) and `labstack/echo-jwt`. "+
		"*repeated* sends one token again and again (gatehouse's verified-token cache hits); *first* sends tokens the validator has "+
		"never seen: a stream of distinct pre-signed tokens filling its verified-token cache, the validator (with its cache) rebuilt "+
		"outside the timer each time the pool has been used once. The peers have no cache, so every request is a first sight for them. "+
		"*raw* rows verify without any HTTP serving: golang-jwt's `Parse`, and gatehouse's `Validate`. "+
		"*crypto* rows are the signature check alone (HMAC, or SHA-256 and RSA/ECDSA) on tokens already split and decoded: the floor. "+
		"Overhead is the CPU time above the same framework without authentication, measured again right before each case in "+
		"every round, so that both are taken under the same load.\n\n")
	var rows [][]string
	for _, c := range cases {
		if harness.IsAPIKeyAuth(c.Auth) {
			continue
		}
		rows = append(rows, append([]string{c.Framework, c.Auth, c.Alg, c.Mode}, r.inboundRow(c)...))
	}
	for _, alg := range harness.Algorithms() {
		s := r.samples["crypto/"+alg]
		rows = append(rows, []string{"crypto", "floor", alg, "", nsSpread(s.Cost()), ns(s.Ns().Median), countSpread(s.Bytes()), countSpread(s.Allocs()), "", ""})
	}
	table(w, []string{"framework", "auth", "alg", "token", "CPU ns/op", "wall ns/op", "B/op", "allocs/op", "overhead (CPU)", "extra allocs"}, rows)

	name := func(parts ...string) string { return strings.Join(parts, "/") }
	hsParse := func(rs ...harness.Result) float64 { return rs[0].Cost() - rs[1].Cost() } // gatehouse raw HS256 first − HMAC
	rawHS, cryptoHS := r.samples[name("inbound/raw/gatehouse/HS256", harness.ModeFirstSight)], r.samples["crypto/HS256"]
	parse := harness.PerRound(hsParse, rawHS, cryptoHS)

	var rrows [][]string
	var hits, peers []string
	hitsOK, hitsNear := true, false
	for _, alg := range harness.Algorithms() {
		rep := r.over(name("inbound/std/gatehouse", alg, harness.ModeRepeated), "inbound/std/none")
		peer := r.over(name("inbound/std/golang-jwt", alg), "inbound/std/none")
		hitsOK, hitsNear = hitsOK && rep.Median <= 1000, hitsNear || spans(rep, 1000)
		hits = append(hits, alg+" "+ns(rep.Median))
		peers = append(peers, ns(peer.Median))
		rrows = append(rrows, []string{alg + ": std, gatehouse repeated token (cache hit), overhead", nsSpread(rep), "≤ 1 µs", r.within(rep, 1000)})

		raw, parser := r.samples[name("inbound/raw/gatehouse", alg, harness.ModeFirstSight)], r.samples[name("inbound/raw/golang-jwt", alg)]
		vsParse := harness.PerRound(func(rs ...harness.Result) float64 { return rs[0].Cost() / rs[1].Cost() }, raw, parser)
		if alg == "HS256" {
			rrows = append(rrows, []string{"HS256: raw, gatehouse `Validate` first sight / golang-jwt `Parse`", ratioSpread(vsParse), "≤ 0.50×", r.within(vsParse, 0.5)})
			r.target(orderJWTFirst, "inbound JWT first sight, HS256 (distinct tokens filling the cache)", "≤ 0.5× golang-jwt `Parse`",
				fmt.Sprintf("%s; %s", nsSpread(raw.Cost()), ratioSpread(vsParse)), "golang-jwt `Parse`: "+ns(parser.Cost().Median),
				vsParse.Median <= 0.5, spans(vsParse, 0.5))
		} else {
			floor := r.samples["crypto/"+alg]
			vsFloor := harness.PerRound(func(rs ...harness.Result) float64 {
				return rs[0].Cost() / (rs[1].Cost() + rs[2].Cost() - rs[3].Cost())
			}, raw, floor, rawHS, cryptoHS)
			rrows = append(rrows,
				[]string{alg + ": raw, gatehouse `Validate` first sight / (crypto floor + HS256 parse cost)", ratioSpread(vsFloor), "≤ 1.05×", r.within(vsFloor, 1.05)},
				[]string{alg + ": raw, gatehouse `Validate` first sight / golang-jwt `Parse`", ratioSpread(vsParse), "", ""})
			r.target(orderJWTFirst, "inbound JWT first sight, "+alg+" (distinct tokens filling the cache)",
				"≤ 1.05× (crypto floor + HS256's parse cost)",
				fmt.Sprintf("%s; %s", nsSpread(raw.Cost()), ratioSpread(vsFloor)),
				fmt.Sprintf("floor %s + parse %s; golang-jwt `Parse`: %s", ns(floor.Cost().Median), ns(parse.Median), ns(parser.Cost().Median)),
				vsFloor.Median <= 1.05, spans(vsFloor, 1.05))
		}
		std := r.overRatioOf(name("inbound/std/gatehouse", alg, harness.ModeFirstSight), name("inbound/std/golang-jwt", alg), "inbound/std/none")
		echoFirst := r.overRatioOf(name("inbound/echo/gatehouse", alg, harness.ModeFirstSight), name("inbound/echo/echo-jwt", alg), "inbound/echo/none")
		rrows = append(rrows,
			[]string{alg + ": std, gatehouse first sight / golang-jwt by hand (overheads)", ratioSpread(std), "", ""},
			[]string{alg + ": echo, gatehouse first sight / echo-jwt (overheads)", ratioSpread(echoFirst), "", ""})
	}
	rrows = append(rrows, []string{"HS256 parse cost: raw gatehouse first sight − HMAC floor", nsSpread(parse), "", ""})
	table(w, []string{"ratio", "measured", "target", ""}, rrows)
	r.target(orderJWTHit, "inbound JWT, repeated token (cache hit), std adapter", "≤ 1 µs overhead for HS256, RS256 and ES256",
		strings.Join(hits, ", "), "golang-jwt by hand (no cache): "+strings.Join(peers, ", "), hitsOK, hitsNear)
}

func apiKeySection(w io.Writer, r *report, cases []harness.InboundCase) {
	fmt.Fprintf(w, "## 6. API key + User-Agent\n\n")
	fmt.Fprintf(w, "gatehouse: `inbound.All(inbound.UserAgent(), inbound.APIKey(inbound.HashedKeys(…), …))` with Asaas's key prefixes "+
		"and environment check. *by-hand-apikey* is the same work written as std middleware (a User-Agent check, the key's SHA-256 "+
		"looked up in a map of hashes, the owner put into the context); echo's `middleware.KeyAuth` does it in echo. "+
		"*context-only* checks nothing and only puts a Principal into the request's context: the two allocations (the context "+
		"value and the request's copy) that carrying a Principal costs in net/http, the floor under any of them.\n\n")
	var rows [][]string
	for _, c := range cases {
		if harness.IsAPIKeyAuth(c.Auth) {
			rows = append(rows, append([]string{c.Framework, c.Auth}, r.inboundRow(c)...))
		}
	}
	table(w, []string{"framework", "auth", "CPU ns/op", "wall ns/op", "B/op", "allocs/op", "overhead (CPU)", "extra allocs"}, rows)
	const g, hand, floor = "apikey/std/gatehouse-apikey", "apikey/std/by-hand-apikey", "apikey/std/context-only"
	so := r.over(g, "inbound/std/none")
	sa := r.samples[g].Allocs().Median - r.samples["inbound/std/none"].Allocs().Median
	eo := r.overRatioOf("apikey/echo/gatehouse-apikey", "apikey/echo/echo-keyauth", "inbound/echo/none")
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"std, gatehouse API key + User-Agent, overhead", nsSpread(so), "≤ 0.3 µs", r.within(so, 300)},
		{"std, extra allocations", fmt.Sprintf("%.0f", sa), "≤ 2 (the Principal in the request's context)", r.verdict(sa <= 2)},
		{"std, floor (context-only) overhead", nsSpread(r.over(floor, "inbound/std/none")), "", ""},
		{"std, gatehouse above the floor (overhead minus the floor's)", nsSpread(r.overDiff(g, floor, "inbound/std/none")), "", ""},
		{"std, by hand above the floor (overhead minus the floor's)", nsSpread(r.overDiff(hand, floor, "inbound/std/none")), "", ""},
		{"echo, gatehouse / echo KeyAuth (overheads)", ratioSpread(eo), "", ""},
	})
	r.target(orderAPIKey, "API key + User-Agent check, std adapter", "≤ 0.3 µs overhead, ≤ 2 extra allocs",
		fmt.Sprintf("%s, %.0f allocs", nsSpread(so), sa),
		fmt.Sprintf("by hand: %s; floor (context only): %s", ns(r.over(hand, "inbound/std/none").Median), ns(r.over(floor, "inbound/std/none").Median)),
		so.Median <= 300 && sa <= 2, spans(so, 300))
}
