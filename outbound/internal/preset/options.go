package preset

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Options are the Config fields the presets share. A provider's Config
// declares those that apply to it, under these names and with these types
// (Environment and API: any integer type); Build reads them by name, so that
// an option every preset takes is handled here, once. A Config without a
// field leaves it zero.
type Options struct {
	Environment    Environment
	API            int
	BaseURL        string
	Base           http.RoundTripper
	Certificates   []tls.Certificate
	CertificateSet *mtls.Set
	RootCAs        *x509.CertPool
	SourceOptions  *outbound.SourceOptions
	Store          outbound.Store
	SharedOptions  *outbound.SharedOptions
}

// OptionsOf reads the Options fields of cfg, a Config struct. A field of the
// right name and another type is a mistake of the provider package,
// reported as an error (the presets' tests check every Config).
func OptionsOf(cfg any) (Options, error) {
	var o Options
	cv := reflect.ValueOf(cfg)
	if cv.Kind() != reflect.Struct {
		return o, fmt.Errorf("preset: %T is not a struct", cfg)
	}
	ov := reflect.ValueOf(&o).Elem()
	for i := range ov.NumField() {
		dst, name := ov.Field(i), ov.Type().Field(i).Name
		src := cv.FieldByName(name)
		switch {
		case !src.IsValid():
		case dst.CanInt() && src.CanInt():
			dst.SetInt(src.Int())
		case dst.CanInt() && src.CanUint():
			dst.SetInt(int64(src.Uint()))
		case src.Type() == dst.Type():
			dst.Set(src)
		default:
			return o, fmt.Errorf("preset: %T.%s is a %s, want %s", cfg, name, src.Type(), dst.Type())
		}
	}
	return o, nil
}

// stringField returns cfg's string field name, and whether there is one.
func stringField(cfg any, name string) (string, bool) {
	f := reflect.ValueOf(cfg).FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.String {
		return "", false
	}
	return f.String(), true
}

// required returns an error naming each of the fields that is empty.
func required(provider string, cfg any, names []string) []error {
	var errs []error
	for _, name := range names {
		v, ok := stringField(cfg, name)
		switch {
		case !ok:
			errs = append(errs, noField(cfg, name))
		case strings.TrimSpace(v) == "":
			errs = append(errs, Errorf(provider, "%s is required", name))
		}
	}
	return errs
}

// noField is the error of a Provider that names a field its Config lacks: a
// mistake of the provider package, which its tests meet.
func noField(cfg any, name string) error {
	return fmt.Errorf("preset: %T has no string field %s", cfg, name)
}
