package outbound

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// CredentialKeyPrefix starts every key that CredentialKey returns.
const CredentialKeyPrefix = "gatehouse:token:"

// CredentialKey returns the Store key of one credential's token:
// CredentialKeyPrefix followed by the hex SHA-256 of the parts, each prefixed
// with its length (so that ("ab", "c") and ("a", "bc") differ). Pass what
// identifies the token and is not secret: the provider, the token URL, the
// client id or user name, the scopes. Two credentials, or one credential with
// two sets of scopes, then never share a token.
//
// Never pass a secret (client secret, password, API key): the key is stored
// in the clear, and a hash of a low-entropy secret can be reversed by
// guessing.
func CredentialKey(parts ...string) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, p := range parts {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write([]byte(p))
	}
	return CredentialKeyPrefix + hex.EncodeToString(h.Sum(nil))
}
