package main

import (
	"fmt"
	"io"
	"os"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

func inboundSection(w io.Writer) error {
	fmt.Fprintln(os.Stderr, "report: generating keys and tokens")
	f, err := harness.NewFixture()
	if err != nil {
		return err
	}
	cases, err := harness.InboundCases(f)
	if err != nil {
		return err
	}
	res := map[string]harness.Result{}
	for _, c := range cases {
		res[c.Name] = harness.Measure(c.Case)
	}
	none := func(fw string) harness.Result { return res["inbound/"+fw+"/none"] }
	over := func(c harness.InboundCase) (float64, int64) {
		if c.Framework == harness.Raw {
			return res[c.Name].NsPerOp, res[c.Name].Allocs
		}
		r, n := res[c.Name], none(c.Framework)
		return r.NsPerOp - n.NsPerOp, r.Allocs - n.Allocs
	}

	fmt.Fprintf(w, "## 4. Inbound authentication\n\n")
	fmt.Fprintf(w, "One request served with `httptest.NewRecorder` and `ServeHTTP` (no network) through std (`http.ServeMux`), gin and echo. "+
		"gatehouse runs `BearerJWT` through `middleware.New` and each adapter; the peers are golang-jwt's parser in a hand-written std "+
		"middleware (algorithm allowlist, `exp` required, claims into the context) and `labstack/echo-jwt`. "+
		"*repeated* sends one token again and again (gatehouse's verified-token cache hits); *first* sends tokens the validator has "+
		"never seen: a pool of distinct pre-signed tokens, and the gatehouse validator (with its cache) is rebuilt outside the timer "+
		"each time the pool has been used once. The peers have no cache, so every request is a first sight for them. "+
		"*raw* rows verify without any HTTP serving: golang-jwt's `Parse`, and gatehouse's `Guard.Check`. "+
		"Overhead is the time above the same framework without authentication.\n\n")
	var rows [][]string
	for _, c := range cases {
		if c.Auth == harness.AuthAPIKey || c.Auth == harness.AuthEchoKey {
			continue
		}
		r := res[c.Name]
		o, oa := over(c)
		ov := ns(o)
		if c.Auth == harness.AuthNone {
			ov = "—"
		}
		rows = append(rows, []string{c.Framework, c.Auth, c.Alg, c.Mode, ns(r.NsPerOp), fmt.Sprint(r.BytesPerOp), fmt.Sprint(r.Allocs), ov, fmt.Sprint(oa)})
	}
	table(w, []string{"framework", "auth", "alg", "token", "ns/op", "B/op", "allocs/op", "overhead", "extra allocs"}, rows)

	find := func(fw, auth, alg, mode string) harness.InboundCase {
		for _, c := range cases {
			if c.Framework == fw && c.Auth == auth && c.Alg == alg && c.Mode == mode {
				return c
			}
		}
		return harness.InboundCase{}
	}
	var rrows [][]string
	for _, alg := range harness.Algorithms() {
		rep, _ := over(find(harness.Std, harness.AuthGatehouse, alg, harness.ModeRepeated))
		rrows = append(rrows, []string{alg + ": std, gatehouse repeated token, overhead", ns(rep), "≤ 1 µs", verdict(rep <= 1000)})
		gf, _ := over(find(harness.Std, harness.AuthGatehouse, alg, harness.ModeFirstSight))
		gj, _ := over(find(harness.Std, harness.AuthGolangJWT, alg, ""))
		rrows = append(rrows, []string{alg + ": std, gatehouse first sight / golang-jwt by hand (overheads)", ratio(gf, gj), "≤ 1.10×", verdict(gf <= 1.1*gj)})
		rf, _ := over(find(harness.Raw, harness.AuthGatehouse, alg, harness.ModeFirstSight))
		rj, _ := over(find(harness.Raw, harness.AuthGolangJWT, alg, ""))
		rrows = append(rrows, []string{alg + ": raw, gatehouse `Check` first sight / golang-jwt `Parse`", ratio(rf, rj), "≤ 1.10×", verdict(rf <= 1.1*rj)})
		ef, _ := over(find(harness.Echo, harness.AuthGatehouse, alg, harness.ModeFirstSight))
		er, _ := over(find(harness.Echo, harness.AuthGatehouse, alg, harness.ModeRepeated))
		ej, _ := over(find(harness.Echo, harness.AuthEchoJWT, alg, ""))
		rrows = append(rrows, []string{alg + ": echo, gatehouse first sight / echo-jwt (overheads)", ratio(ef, ej), "", ""})
		rrows = append(rrows, []string{alg + ": echo, gatehouse repeated / echo-jwt (overheads)", ratio(er, ej), "", ""})
	}
	table(w, []string{"ratio", "measured", "target", ""}, rrows)

	fmt.Fprintf(w, "### API key + User-Agent\n\n")
	fmt.Fprintf(w, "gatehouse: `inbound.All(inbound.UserAgent(), inbound.APIKey(inbound.HashedKeys(…), …))` with Asaas's key prefixes "+
		"and environment check. echo's `middleware.KeyAuth` does the same work by hand: a User-Agent check, then a lookup of the "+
		"key's SHA-256 in a map of hashes.\n\n")
	rows = nil
	for _, c := range cases {
		if c.Auth != harness.AuthAPIKey && c.Auth != harness.AuthEchoKey {
			continue
		}
		r := res[c.Name]
		o, oa := over(c)
		rows = append(rows, []string{c.Framework, c.Auth, ns(r.NsPerOp), fmt.Sprint(r.BytesPerOp), fmt.Sprint(r.Allocs), ns(o), fmt.Sprint(oa)})
	}
	table(w, []string{"framework", "auth", "ns/op", "B/op", "allocs/op", "overhead", "extra allocs"}, rows)
	so, sa := over(find(harness.Std, harness.AuthAPIKey, "", ""))
	eo, _ := over(find(harness.Echo, harness.AuthAPIKey, "", ""))
	ko, _ := over(find(harness.Echo, harness.AuthEchoKey, "", ""))
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"std, gatehouse API key + User-Agent, overhead", ns(so), "≤ 0.3 µs", verdict(so <= 300)},
		{"std, extra allocations", fmt.Sprint(sa), "≤ 2 (the Principal in the request's context)", verdict(sa <= 2)},
		{"echo, gatehouse / echo KeyAuth (overheads)", ratio(eo, ko), "", ""},
	})
	return nil
}
