package inbound

import "encoding/base64"

// Limits on the Standard Webhooks headers, so that the work an
// unauthenticated request causes is bounded before any signature is checked.
const (
	maxWebhookIDLen        = 256
	maxWebhookTimestampLen = 12 // Unix seconds until the year 33658
	maxSignatureHeaderLen  = 8 << 10
	maxSignatureEntries    = 32
)

// strictStdEncoding is base64.StdEncoding.Strict(), made once: Strict
// copies the whole Encoding (over 300 bytes) at every call.
var strictStdEncoding = base64.StdEncoding.Strict()

// sigVersion is the version of one webhook-signature entry.
type sigVersion uint8

const (
	sigV1  sigVersion = iota + 1 // HMAC-SHA256
	sigV1a                       // Ed25519
)

// webhookSig is one readable entry of a webhook-signature header.
type webhookSig struct {
	version sigVersion
	sig     [64]byte // 32 bytes used by v1, 64 by v1a
}

// webhookSigs is the entries of a webhook-signature header that can be
// tried: at most maxSignatureEntries, kept in place so that parsing does
// not allocate.
type webhookSigs struct {
	n       int
	entries [maxSignatureEntries]webhookSig
}

// parseSignatureHeader reads a webhook-signature header: space-separated
// "<version>,<base64 signature>" entries. As the Standard Webhooks
// specification says, an entry of an unknown version, or whose signature
// is not valid base64 of the version's length, is skipped. ok is false when
// the header is too long or has more than maxSignatureEntries entries;
// sigs.n is 0 when no entry is left to try.
func parseSignatureHeader(h string, sigs *webhookSigs) (ok bool) {
	sigs.n = 0
	if len(h) > maxSignatureHeaderLen {
		return false
	}
	entries := 0
	for len(h) > 0 {
		var entry string
		entry, h = cutSpace(h)
		if entry == "" {
			continue
		}
		if entries++; entries > maxSignatureEntries {
			return false
		}
		s := &sigs.entries[sigs.n]
		if readSignatureEntry(entry, s) {
			sigs.n++
		}
	}
	return true
}

// cutSpace returns s up to its first space, and the rest after it.
func cutSpace(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// readSignatureEntry decodes one "<version>,<base64>" entry into s.
func readSignatureEntry(entry string, s *webhookSig) bool {
	var b64 string
	var size int
	switch {
	case len(entry) > 3 && entry[:3] == "v1,":
		s.version, b64, size = sigV1, entry[3:], 32
	case len(entry) > 4 && entry[:4] == "v1a,":
		s.version, b64, size = sigV1a, entry[4:], 64
	default:
		return false
	}
	if len(b64) != base64.StdEncoding.EncodedLen(size) {
		return false
	}
	// Stack buffers: a []byte(b64) conversion would allocate, and Decode
	// wants room for DecodedLen (66 for 88 characters), not the 64 bytes a
	// valid entry decodes to.
	var in [88]byte
	var out [66]byte
	n, err := strictStdEncoding.Decode(out[:], in[:copy(in[:], b64)])
	if err != nil || n != size {
		return false
	}
	copy(s.sig[:], out[:n])
	return true
}

// parseWebhookTimestamp reads webhook-timestamp: decimal Unix seconds,
// without sign, leading zeros or anything else.
func parseWebhookTimestamp(s string) (int64, bool) {
	if s == "" || len(s) > maxWebhookTimestampLen || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// validWebhookID reports whether id can be a webhook-id: visible ASCII, at
// most maxWebhookIDLen bytes. It is signed, and "." separates it from the
// timestamp, so an id holding "." could let a sender move bytes between
// the two; the timestamp's strict form prevents that already.
func validWebhookID(id string) bool {
	return id != "" && len(id) <= maxWebhookIDLen && visibleASCII(id)
}
