package inbound

import "log/slog"

// LogValue implements slog.LogValuer for the middleware's OnReject hook and
// for logs: status, code, description and cause. None of them holds the
// credential.
func (e *Error) LogValue() slog.Value {
	if e == nil {
		return slog.StringValue("<nil>")
	}
	attrs := make([]slog.Attr, 0, 4)
	attrs = append(attrs, slog.Int("status", e.Status), slog.String("code", e.Code))
	if e.Description != "" {
		attrs = append(attrs, slog.String("description", e.Description))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("err", e.Err.Error()))
	}
	return slog.GroupValue(attrs...)
}

// LogValue implements slog.LogValuer for the middleware's OnAccept hook and
// for logs: subject, scheme, key id, environment and scopes. Claims are left
// out: they may hold personal data, and a caller that wants one logs it by
// name.
func (p *Principal) LogValue() slog.Value {
	if p == nil {
		return slog.StringValue("<nil>")
	}
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs, slog.String("subject", p.Subject), slog.String("scheme", p.Scheme))
	if p.KeyID != "" {
		attrs = append(attrs, slog.String("key_id", p.KeyID))
	}
	if p.Environment != "" {
		attrs = append(attrs, slog.String("environment", p.Environment))
	}
	if len(p.Scopes) > 0 {
		attrs = append(attrs, slog.Any("scopes", p.Scopes))
	}
	return slog.GroupValue(attrs...)
}
