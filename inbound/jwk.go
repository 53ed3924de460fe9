package inbound

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// parseJWKS parses a JWK Set document into usable verification keys. skipped
// lists keys left out and why; err is set when the document is malformed or
// holds no usable key.
func parseJWKS(data []byte, allowSym bool) (entries []*keyEntry, skipped []error, err error) {
	// Read as strictly as tokens are (no duplicate names, valid UTF-8).
	doc, err := jose.ParseObject(string(data), jose.Unbounded)
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
		if m, ok := raw.(map[string]any); ok {
			if kid, ok := m["kid"].(string); ok {
				count[kid]++
			}
		}
		e, err := parseJWK(raw, allowSym)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("key %d skipped: %w", i, err))
			continue
		}
		entries = append(entries, e)
	}
	// Two keys under one kid make the kid ambiguous, also when one of them
	// is unusable: use neither.
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

// parseJWK turns one JWK into a key entry (jose.KeyFromJWK), applying the
// skip rules of JWKS.
func parseJWK(raw any, allowSym bool) (*keyEntry, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	k, err := jose.KeyFromJWK(m, jose.JWKOptions{Symmetric: allowSym})
	if err != nil {
		return nil, err
	}
	return &keyEntry{kid: k.KID, key: k.Key, alg: k.Alg}, nil
}
