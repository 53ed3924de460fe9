// Package efi is a ready client for the APIs of Efí (formerly Gerencianet):
// Pix and Charges (Cobranças).
//
// Both authorize with OAuth2 client credentials sent in an HTTP Basic header,
// with the JSON body {"grant_type":"client_credentials"} that Efí's own SDKs
// send. The Pix API also requires mTLS with the certificate issued in the Efí
// account (delivered as a .p12 file: load it with mtls.LoadPFX or
// mtls.LoadPFXFile).
//
//	cert, err := mtls.LoadPFXFile("producao.p12", "")
//	...
//	client, err := efi.New(efi.Config{
//		Environment:  efi.Production,
//		API:          efi.Pix,
//		ClientID:     os.Getenv("EFI_CLIENT_ID"),
//		ClientSecret: os.Getenv("EFI_CLIENT_SECRET"),
//		Certificates: []tls.Certificate{cert},
//	})
//	...
//	resp, err := client.Get(efi.BaseURL(efi.Production, efi.Pix) + "/v2/cob")
//
// The client sends its credentials only to the configured base URL's host; a
// request for any other host fails with outbound.ErrHostNotAllowed before
// anything is sent.
package efi
