package inbound

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestWebhookSecretsNeverPrinted: neither the options that hold webhook
// secrets nor the validator built from them print or encode a secret, in
// any fmt verb, through slog or encoding/json.
func TestWebhookSecretsNeverPrinted(t *testing.T) {
	raw := []byte("0123456789abcdefSECRETBYTES!")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(raw)
	opts := StandardWebhookOptions{Secrets: map[string]string{"current": secret}}
	v, err := StandardWebhook(opts)
	if err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]any{"options": opts, "options pointer": &opts, "validator": v, "secrets": opts.Secrets} {
		var outs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			outs = append(outs, fmt.Sprintf(verb, x))
		}
		for _, out := range outs {
			if !strings.Contains(out, "current") {
				t.Errorf("%s: the secret's name is missing: %s", name, out)
			}
		}
		// Now, a func, makes encoding/json fail on the options: what it
		// manages to print is checked all the same.
		j, _ := json.Marshal(x)
		var logged bytes.Buffer
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("m", "x", x)
		outs = append(outs, string(j), logged.String())
		for _, out := range outs {
			if strings.Contains(out, secret[6:]) || strings.Contains(out, fmt.Sprint(raw)) || strings.Contains(out, string(raw)) {
				t.Errorf("%s prints the secret: %s", name, out)
			}
		}
	}
}
