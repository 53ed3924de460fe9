package preset

import (
	"fmt"
	"path"
	"reflect"
	"strconv"
	"strings"
)

// Describe returns cfg, a provider's Config, as one line without its
// secrets: "efi.Config{Environment: sandbox, ClientID: "id", ClientSecret:
// REDACTED, Certificates: 1}". It fails closed: a string field prints only
// when it is known to hold no secret (BaseURL without user info or query,
// ClientID, UserName, UserAgent); any other string prints REDACTED when set,
// so a secret field added later is never shown. Integers print with their
// String method, slices as their length; other fields are left out.
func Describe(cfg any) string {
	v := reflect.ValueOf(cfg)
	t := v.Type()
	var fields []string
	for i := range t.NumField() {
		if s, ok := describeField(t.Field(i), v.Field(i)); ok {
			fields = append(fields, t.Field(i).Name+": "+s)
		}
	}
	return path.Base(t.PkgPath()) + "." + t.Name() + "{" + strings.Join(fields, ", ") + "}"
}

func describeField(sf reflect.StructField, f reflect.Value) (string, bool) {
	switch {
	case !sf.IsExported():
		return "", false
	case f.Kind() == reflect.String && sf.Name == "BaseURL":
		return strconv.Quote(safeURL(f.String())), true
	case f.Kind() == reflect.String && (sf.Name == "ClientID" || sf.Name == "UserName" || sf.Name == "UserAgent"):
		return strconv.Quote(f.String()), true
	case f.Kind() == reflect.String && f.Len() == 0:
		return `""`, true
	case f.Kind() == reflect.String:
		return "REDACTED", true
	case f.CanInt() || f.CanUint():
		return fmt.Sprint(f.Interface()), true
	case f.Kind() == reflect.Slice:
		return strconv.Itoa(f.Len()), true
	}
	return "", false
}
