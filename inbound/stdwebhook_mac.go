package inbound

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"hash"
	"sync"
)

// webhookMACState is a pooled SHA-256 state with the buffers one v1
// verification needs, so that it allocates nothing (buffers on the stack
// would escape through the hash.Hash interface).
type webhookMACState struct {
	h      hash.Hash
	prefix [maxWebhookIDLen + maxWebhookTimestampLen + 2]byte
	inner  [sha256.Size]byte
	mac    [sha256.Size]byte
}

var webhookMACPool = sync.Pool{New: func() any { return &webhookMACState{h: sha256.New()} }}

// webhookPrefix appends "{id}.{timestamp}." to dst: the part of the signed
// content before the body.
func webhookPrefix(dst []byte, id, ts string) []byte {
	return append(append(append(append(dst, id...), '.'), ts...), '.')
}

// matchV1 reports whether one v1 entry of sigs is the HMAC-SHA256 of
// "{id}.{ts}.{body}" under k. With k's pads hashed at construction, it hashes
// only the message and the outer block.
func (v *stdWebhook) matchV1(k *webhookHMACKey, id, ts string, body []byte, sigs *webhookSigs) bool {
	st := webhookMACPool.Get().(*webhookMACState)
	defer webhookMACPool.Put(st)
	prefix := webhookPrefix(st.prefix[:0], id, ts)
	if k.inner == nil {
		m := hmac.New(sha256.New, k.raw)
		m.Write(prefix)
		m.Write(body)
		return sigs.match(sigV1, m.Sum(st.mac[:0]))
	}
	h := st.h
	u, ok := h.(encoding.BinaryUnmarshaler)
	if !ok || u.UnmarshalBinary(k.inner) != nil {
		return false
	}
	h.Write(prefix)
	h.Write(body)
	inner := h.Sum(st.inner[:0])
	if u.UnmarshalBinary(k.outer) != nil {
		return false
	}
	h.Write(inner)
	return sigs.match(sigV1, h.Sum(st.mac[:0]))
}

// prepareHMAC hashes key's inner and outer pad blocks (RFC 2104) and keeps
// the two SHA-256 states, so that each verification skips those two blocks.
// ok is false when the hash cannot save its state (then crypto/hmac is
// used).
func prepareHMAC(key []byte) (inner, outer []byte, ok bool) {
	h := sha256.New()
	m, isM := h.(encoding.BinaryMarshaler)
	if !isM {
		return nil, nil, false
	}
	var pad [sha256.BlockSize]byte
	if len(key) > len(pad) {
		sum := sha256.Sum256(key)
		copy(pad[:], sum[:])
	} else {
		copy(pad[:], key)
	}
	defer clear(pad[:])
	for i := range pad {
		pad[i] ^= 0x36
	}
	h.Write(pad[:])
	inner, err1 := m.MarshalBinary()
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	h.Reset()
	h.Write(pad[:])
	outer, err2 := m.MarshalBinary()
	if err1 != nil || err2 != nil {
		return nil, nil, false
	}
	return inner, outer, true
}
