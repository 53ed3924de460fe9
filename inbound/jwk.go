package inbound

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/MicahParks/jwkset"
)

// parseJWKS parses a JWK Set document into usable verification keys. skipped
// lists keys left out and why; err is set when the document is malformed or
// holds no usable key.
func parseJWKS(data []byte, allowSym bool) (entries []*keyEntry, skipped []error, err error) {
	// Read as strictly as tokens are (no duplicate names, valid UTF-8).
	doc, err := parseJSONObject(string(data))
	if err != nil {
		return nil, nil, fmt.Errorf("the document is not a JWK Set: %w", err)
	}
	raw, present := doc["keys"]
	if !present {
		return nil, nil, errors.New("the document has no \"keys\" member")
	}
	keys, ok := raw.([]any)
	if !ok {
		return nil, nil, errors.New("the document's \"keys\" member is not an array")
	}
	count := map[string]int{}
	for i, raw := range keys {
		e, err := parseJWK(raw, allowSym)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("key %d skipped: %w", i, err))
			continue
		}
		entries = append(entries, e)
		count[e.kid]++
	}
	// Two keys under one kid make the kid ambiguous: use neither.
	kept := entries[:0]
	for _, e := range entries {
		if e.kid != "" && count[e.kid] > 1 {
			skipped = append(skipped, fmt.Errorf("kid %q skipped: it names several keys", e.kid))
			continue
		}
		kept = append(kept, e)
	}
	if len(kept) == 0 {
		return nil, skipped, errors.New("the document holds no usable signature verification key")
	}
	return kept, skipped, nil
}

// jwkMembers are the member names jwkset reads. encoding/json would match
// them case-insensitively ("KTY" as "kty"); a JWK that spells one so is
// skipped instead.
var jwkMembers = [...]string{"kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
	"crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "oth", "r", "t", "k"}

// parseJWK turns one JWK into a key entry, applying the skip rules of JWKS.
func parseJWK(raw any, allowSym bool) (*keyEntry, error) {
	m, err := readJWK(raw)
	if err != nil {
		return nil, err
	}
	if err := checkJWKUse(&m, allowSym); err != nil {
		return nil, err
	}
	oct := m.KTY == jwkset.KtyOct
	// Private members of asymmetric keys are ignored: only the public key is
	// read. For oct, "k" is the key itself.
	if !oct {
		m.D, m.P, m.Q, m.DP, m.DQ, m.QI, m.OTH = "", "", "", "", "", "", nil
	}
	j, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{Private: oct}, jwkset.JWKValidateOptions{})
	if err != nil {
		// jwkset's messages describe parameters, never their values.
		return nil, fmt.Errorf("invalid key: %w", err)
	}
	key, err := checkKey(j.Key())
	if err != nil {
		return nil, err
	}
	alg := string(m.ALG)
	if alg != "" && !keyFitsAlg(key, alg) {
		return nil, fmt.Errorf("the key does not fit its alg %q", alg)
	}
	return &keyEntry{kid: m.KID, key: key, alg: alg}, nil
}

// readJWK decodes one key of the strictly read document into jwkset's form.
func readJWK(raw any) (jwkset.JWKMarshal, error) {
	var m jwkset.JWKMarshal
	obj, ok := raw.(map[string]any)
	if !ok {
		return m, errors.New("not a JSON object")
	}
	for name := range obj {
		for _, want := range jwkMembers {
			if name != want && strings.EqualFold(name, want) {
				return m, fmt.Errorf("member name differs from %q only in case", want)
			}
		}
	}
	// Exact names now: encoding/json's folding cannot change the reading.
	b, err := json.Marshal(obj)
	if err != nil {
		return m, errors.New("not a JSON object")
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, errors.New("a member has the wrong type")
	}
	return m, nil
}

// checkJWKUse applies the rules on what a key is for: signatures, a
// supported algorithm, a supported type, symmetric only when allowed.
func checkJWKUse(m *jwkset.JWKMarshal, allowSym bool) error {
	if m.USE != "" && m.USE != jwkset.UseSig {
		return fmt.Errorf("use %q", m.USE)
	}
	if m.KEYOPS != nil && !slices.Contains(m.KEYOPS, jwkset.KeyOpsVerify) {
		return errors.New("key_ops lacks \"verify\"")
	}
	if m.ALG != "" && !supportedAlgorithm(string(m.ALG)) {
		return fmt.Errorf("alg %q is not a supported JWS algorithm", m.ALG)
	}
	switch m.KTY {
	case jwkset.KtyRSA, jwkset.KtyEC, jwkset.KtyOKP:
	case jwkset.KtyOct:
		if !allowSym {
			return errors.New("symmetric (oct) key, and AllowSymmetric is off")
		}
	default:
		return fmt.Errorf("unsupported kty %q", m.KTY)
	}
	return nil
}
