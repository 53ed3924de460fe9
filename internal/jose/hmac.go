package jose

import (
	"crypto"
	"crypto/subtle"
	"encoding"
	"hash"
	"sync"
	"sync/atomic"
)

// HS256, HS384 and HS512 are verified here rather than with a fresh
// crypto/hmac per token (seven allocations, more than the rest of a token's
// verification). This is HMAC as RFC 2104 defines it, over hash states taken
// from a pool, so that verifying costs no allocation; TestVerifyHMAC checks
// it against crypto/hmac.

// hmacState is a pooled hash with room for the pads and the digests.
type hmacState struct {
	h     hash.Hash
	pad   [128]byte // the key xor ipad or opad, one block
	inner [64]byte
	mac   [64]byte
}

// newHMACPool returns a pool of hash states of h (SHA-256, -384 or -512).
// Each verifier has its own pools.
func newHMACPool(h crypto.Hash) *sync.Pool {
	return &sync.Pool{New: func() any { return &hmacState{h: h.New()} }}
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

// hmacKey is an HMAC key with the hash states after its inner and outer pad
// blocks, so that each verification skips those two blocks.
type hmacKey struct {
	key          string // the key, to tell whether it is still the one in use
	inner, outer []byte // hash states, from MarshalBinary
}

// hmacVerifier verifies one HS algorithm over pooled hash states, with the
// pads of the last key used prepared once (validators mostly have one HMAC
// key; with several, each change of key prepares again).
type hmacVerifier struct {
	pool *sync.Pool
	last atomic.Pointer[hmacKey]
}

func newHMACVerifier(h crypto.Hash) *hmacVerifier {
	return &hmacVerifier{pool: newHMACPool(h)}
}

// verify reports whether sig is the HMAC of input under key, in constant
// time with respect to the signature.
func (hv *hmacVerifier) verify(key, input, sig []byte) bool {
	k := hv.last.Load()
	if k == nil || k.key != string(key) {
		if k = hv.prepare(key); k == nil {
			return verifyHMAC(hv.pool, key, input, sig)
		}
		hv.last.Store(k)
	}
	st := hv.pool.Get().(*hmacState)
	defer hv.pool.Put(st)
	h := st.h
	u, ok := h.(encoding.BinaryUnmarshaler)
	if !ok || len(sig) != h.Size() || u.UnmarshalBinary(k.inner) != nil {
		return false
	}
	h.Write(input)
	inner := h.Sum(st.inner[:0])
	if u.UnmarshalBinary(k.outer) != nil {
		return false
	}
	h.Write(inner)
	mac := h.Sum(st.mac[:0])
	return subtle.ConstantTimeCompare(mac, sig) == 1
}

// prepare hashes key's two pad blocks, or returns nil when the hash cannot
// save its state.
func (hv *hmacVerifier) prepare(key []byte) *hmacKey {
	st := hv.pool.Get().(*hmacState)
	defer hv.pool.Put(st)
	h := st.h
	m, ok := h.(encoding.BinaryMarshaler)
	if !ok {
		return nil
	}
	pad := st.pad[:h.BlockSize()]
	clear(pad)
	if len(key) > len(pad) {
		h.Reset()
		h.Write(key)
		h.Sum(pad[:0])
	} else {
		copy(pad, key)
	}
	k := &hmacKey{key: string(key)}
	var err1, err2 error
	for i := range pad {
		pad[i] ^= 0x36
	}
	h.Reset()
	h.Write(pad)
	k.inner, err1 = m.MarshalBinary()
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	h.Reset()
	h.Write(pad)
	k.outer, err2 = m.MarshalBinary()
	clear(pad)
	if err1 != nil || err2 != nil {
		return nil
	}
	return k
}
