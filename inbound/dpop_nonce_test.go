package inbound

import (
	"testing"
	"time"
)

func TestDPoPNoncesRotate(t *testing.T) {
	clk := &testClock{t: testNow}
	n := NewDPoPNonces(time.Minute, clk.Now)
	first := n.Current()
	if first == "" || !n.Valid(first) || n.Valid("") || n.Valid("guess") {
		t.Fatalf("first nonce %q", first)
	}
	clk.Add(59 * time.Second)
	if n.Current() != first {
		t.Fatal("rotated early")
	}
	clk.Add(time.Second)
	second := n.Current()
	if second == first || !n.Valid(second) || !n.Valid(first) {
		t.Fatalf("after one period: current %q, previous accepted %v", second, n.Valid(first))
	}
	clk.Add(time.Minute)
	if third := n.Current(); third == second || n.Valid(first) || !n.Valid(second) {
		t.Fatal("after two periods the first nonce is still accepted, or the second is not")
	}
	clk.Add(10 * time.Minute)
	if n.Valid(second) {
		t.Fatal("a nonce two periods old after an idle spell is accepted")
	}
}

// TestDPoPNoncesInValidator: the validator answers use_dpop_nonce with the
// current nonce, and a proof carrying it passes.
func TestDPoPNoncesInValidator(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	v := dpopValidator(t, &DPoPOptions{Nonces: NewDPoPNonces(0, fixedClock)})
	_, err := v.Validate(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)))
	e := wantRefusal(t, err, CodeUseDPoPNonce, CodeUseDPoPNonce, ChallengeDPoPError)
	c := proofClaims(tok)
	c["nonce"] = e.DPoPNonce
	if _, err := v.Validate(dpopRequest(tok, makeProof(t, pk.ec, "", c, nil))); err != nil {
		t.Fatal(err)
	}
}

// TestDPoPNoncesTwoLifetimes: a nonce is accepted at most two lifetimes
// after it was issued, whatever the traffic: with lazy rotation, a late
// rotation must not extend the previous nonce's grace.
func TestDPoPNoncesTwoLifetimes(t *testing.T) {
	const life = 5 * time.Minute
	for _, tt := range []struct {
		name  string
		steps []time.Duration // uses of the nonces after issue, in order
	}{
		{"regular traffic", []time.Duration{time.Minute, 3 * time.Minute, 5 * time.Minute, 7 * time.Minute, 9 * time.Minute}},
		{"idle, then a late rotation", []time.Duration{9*time.Minute + 59*time.Second}},
		{"idle until just after a lifetime", []time.Duration{5*time.Minute + time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &testClock{t: testNow}
			n := NewDPoPNonces(life, clk.Now)
			first := n.Current() // issued at testNow
			for _, at := range tt.steps {
				clk.t = testNow.Add(at)
				_ = n.Current()
				if !n.Valid(first) && at < life {
					t.Fatalf("refused at %v, within its lifetime", at)
				}
			}
			for _, at := range []time.Duration{2 * life, 2*life + time.Second, 14*time.Minute + 58*time.Second} {
				clk.t = testNow.Add(at)
				if n.Valid(first) {
					t.Fatalf("accepted %v after it was issued", at)
				}
			}
		})
	}
}
