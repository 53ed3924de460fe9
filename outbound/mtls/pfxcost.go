package mtls

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// maxPFXIterations bounds the PBKDF iteration count of a PFX file's MAC.
// OpenSSL and go-pkcs12 write 2048; the bound stops a crafted file from
// making LoadPFX derive keys for minutes or hours. The MAC is checked before
// anything is decrypted, and only someone who knows the password can make a
// file that passes it, so bounding the MAC's count is enough.
const maxPFXIterations = 1_000_000

// oidPBMAC1 is RFC 9579's PBMAC1, whose iteration count sits in the MAC
// algorithm's parameters instead of macData.
var oidPBMAC1 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}

// The outer PFX structure (RFC 7292 §4), as far as the MAC.
type pfxOuter struct {
	Version  int
	AuthSafe asn1.RawValue
	MacData  pfxMacData `asn1:"optional"`
}

type pfxMacData struct {
	Mac struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type pbmac1Params struct {
	Kdf               pkix.AlgorithmIdentifier
	MessageAuthScheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       asn1.RawValue
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	Prf        pkix.AlgorithmIdentifier `asn1:"optional"`
}

// checkPFXCost rejects a file whose MAC would take too long to verify. Input
// it cannot parse is left to go-pkcs12, which reports it.
func checkPFXCost(data []byte) error {
	var pfx pfxOuter
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		return nil
	}
	n := pfx.MacData.Iterations
	if pfx.MacData.Mac.Algorithm.Algorithm.Equal(oidPBMAC1) {
		var p pbmac1Params
		if _, err := asn1.Unmarshal(pfx.MacData.Mac.Algorithm.Parameters.FullBytes, &p); err != nil {
			return nil
		}
		var k pbkdf2Params
		if _, err := asn1.Unmarshal(p.Kdf.Parameters.FullBytes, &k); err != nil {
			return nil
		}
		n = k.Iterations
	}
	if n > maxPFXIterations {
		return fmt.Errorf("%w: MAC iteration count %d exceeds %d", ErrMalformed, n, maxPFXIterations)
	}
	return nil
}
