package gatehouseotel

// Chain returns a hook that calls each non-nil hook in order, or nil when
// there is none. It composes hooks of one argument: OnFetch, OnWait,
// OnEvent, OnError. The methods of Telemetry use it to keep the hooks an
// options struct already had.
func Chain[E any](hooks ...func(E)) func(E) {
	var hs []func(E)
	for _, h := range hooks {
		if h != nil {
			hs = append(hs, h)
		}
	}
	switch len(hs) {
	case 0:
		return nil
	case 1:
		return hs[0]
	case 2:
		a, b := hs[0], hs[1]
		return func(e E) { a(e); b(e) }
	}
	return func(e E) {
		for _, h := range hs {
			h(e)
		}
	}
}
