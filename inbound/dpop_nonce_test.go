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
