package preset

import "strconv"

// Environment is what every provider's Environment is: Sandbox (0) or
// Production (1). The provider packages convert theirs to it.
type Environment int

// The environments every provider has.
const (
	Sandbox Environment = iota
	Production
)

// String returns "sandbox", "production", or "Environment(n)" for another
// value.
func (e Environment) String() string {
	switch e {
	case Sandbox:
		return "sandbox"
	case Production:
		return "production"
	}
	return "Environment(" + strconv.Itoa(int(e)) + ")"
}

// valid reports whether e is one of the environments.
func (e Environment) valid() bool { return e == Sandbox || e == Production }
