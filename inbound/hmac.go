package inbound

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"hash"
	"sync"
)

// HS256, HS384 and HS512 are verified here rather than by golang-jwt, whose
// Verify builds a fresh crypto/hmac (seven allocations, more than the rest of
// a token's verification). This is HMAC as RFC 2104 defines it, over hash
// states taken from a pool, so that verifying costs no allocation.

// hmacState is a pooled hash with room for the pads and the digests.
type hmacState struct {
	h     hash.Hash
	pad   [128]byte // the key xor ipad or opad, one block
	inner [64]byte
	mac   [64]byte
}

// newHMACPool returns a pool of hash states for the HS algorithm alg, or nil
// for any other algorithm. Each validator has its own pools.
func newHMACPool(alg string) *sync.Pool {
	var h func() hash.Hash
	switch alg {
	case "HS256":
		h = sha256.New
	case "HS384":
		h = sha512.New384
	case "HS512":
		h = sha512.New
	default:
		return nil
	}
	return &sync.Pool{New: func() any { return &hmacState{h: h()} }}
}

// verifyHMAC reports whether sig is the HMAC of input under key, in constant
// time with respect to the signature.
func verifyHMAC(pool *sync.Pool, key, input, sig []byte) bool {
	st := pool.Get().(*hmacState)
	defer pool.Put(st)
	h := st.h
	block, size := h.BlockSize(), h.Size()
	if len(sig) != size {
		return false
	}
	pad := st.pad[:block]
	clear(pad)
	if len(key) > block {
		h.Reset()
		h.Write(key)
		h.Sum(pad[:0])
	} else {
		copy(pad, key)
	}
	for i := range pad {
		pad[i] ^= 0x36
	}
	h.Reset()
	h.Write(pad)
	h.Write(input)
	inner := h.Sum(st.inner[:0])
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	h.Reset()
	h.Write(pad)
	h.Write(inner)
	mac := h.Sum(st.mac[:0])
	return subtle.ConstantTimeCompare(mac, sig) == 1
}
