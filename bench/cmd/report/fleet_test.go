package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestFleetSection(t *testing.T) {
	if testing.Short() {
		t.Skip("starts replica processes for seconds")
	}
	var buf bytes.Buffer
	ft, err := fleetSection(context.Background(), &buf, 2, 2*time.Second, &chartSet{})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !ft.ran {
		if !strings.Contains(out, "Skipped: ") {
			t.Errorf("neither ran nor said why:\n%s", out)
		}
		return
	}
	for _, s := range []string{"gatehouse + redisstore", "gatehouse, no store", "x/oauth2 per process", "Redis killed and restarted", "Redis down"} {
		if !strings.Contains(out, s) {
			t.Errorf("section lacks %q:\n%s", s, out)
		}
	}
}
