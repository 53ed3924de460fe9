package outbound

import (
	"context"
	"log/slog"
)

// WaitEvent describes, to SourceOptions.OnWait, a Token call that found no
// usable token.
type WaitEvent struct {
	// Context is the waiting caller's context.
	Context context.Context
	// BackingOff is true when the call got the last fetch's failure at once,
	// because the Source is backing off after it, instead of waiting.
	BackingOff bool
}

// LogValue implements slog.LogValuer.
func (e WaitEvent) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("backing_off", e.BackingOff))
}

// LogValue implements slog.LogValuer: the phase, whether it ran in the
// background, and what applies to the phase (duration, expiry, error,
// backoff). The event never holds a token's value, and Err never holds a
// credential.
func (e FetchEvent) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("phase", e.Phase.String()), slog.Bool("background", e.Background))
	if e.Phase != FetchStarted {
		attrs = append(attrs, slog.Duration("duration", e.Duration))
	}
	if !e.Expiry.IsZero() {
		attrs = append(attrs, slog.Time("expiry", e.Expiry))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("err", e.Err.Error()))
	}
	if e.Backoff > 0 {
		attrs = append(attrs, slog.Duration("backoff", e.Backoff))
	}
	return slog.GroupValue(attrs...)
}
