// Package jose is the one JOSE core of gatehouse, for both sides: the
// strict JSON reader of JOSE headers, JWT claims, DPoP proofs and JWK Sets
// (exact member names, valid UTF-8, no duplicates, bounded depth, and a
// budget on the work a parse may do before a signature is checked); the
// compact JWS decoder; the one table of JWS algorithms, with the signers
// (any crypto.Signer, so keys in HSMs work too) and the verifiers; the one
// JWK to public key conversion, with the weak-key checks; the typ
// normaliser; the public JWK of a key and its RFC 7638 thumbprint; and
// reading private keys from PEM. Package inbound verifies with it, package
// outbound signs with it, and the fakes of providertest check what they
// receive with it, so that each rule is written once.
package jose
