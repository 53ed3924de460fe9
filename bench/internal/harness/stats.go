package harness

import "slices"

// Spread is the median and range of repeated measurements of one quantity.
type Spread struct {
	Median, Min, Max float64
	// N is how many measurements there were.
	N int
}

// SpreadOf summarises xs. The median of an even count is the mean of the two
// middle values. The zero Spread stands for no measurement.
func SpreadOf(xs []float64) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Spread{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Ns is the Spread of the samples' wall-clock time per iteration.
func (s Samples) Ns() Spread { return s.each(func(r Result) float64 { return r.NsPerOp }) }

// Cost is the Spread of the samples' Cost.
func (s Samples) Cost() Spread { return s.each(Result.Cost) }

// Allocs is the Spread of the samples' allocations per iteration.
func (s Samples) Allocs() Spread { return s.each(func(r Result) float64 { return float64(r.Allocs) }) }

// Bytes is the Spread of the samples' bytes allocated per iteration.
func (s Samples) Bytes() Spread {
	return s.each(func(r Result) float64 { return float64(r.BytesPerOp) })
}

func (s Samples) each(f func(Result) float64) Spread {
	xs := make([]float64, len(s))
	for i, r := range s {
		xs[i] = f(r)
	}
	return SpreadOf(xs)
}

// PerRound applies f to the i-th sample of every series, round by round, and
// summarises the results: a ratio of cases measured in the same round is
// computed within the round, so that a load change between rounds cancels
// out. Rounds missing from a series are skipped.
func PerRound(f func(rs ...Result) float64, series ...Samples) Spread {
	n := -1
	for _, s := range series {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	var xs []float64
	for i := 0; i < n; i++ {
		rs := make([]Result, len(series))
		for j, s := range series {
			rs[j] = s[i]
		}
		xs = append(xs, f(rs...))
	}
	return SpreadOf(xs)
}
