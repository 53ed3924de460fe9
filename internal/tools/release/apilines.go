package main

import (
	"fmt"
	"go/types"
	"strings"
)

// packageAPI returns one line per exported declaration of pkg, in the form of
// the Go project's api/go1.N.txt:
//
//	pkg P, func NewSource(Fetcher, *SourceOptions) *Source
//	pkg P, method (*Source) Token(context.Context) (Token, error)
//	pkg P, type SourceOptions struct, Leeway time.Duration
func packageAPI(pkg *types.Package) []string {
	w := &apiWriter{pkg: pkg}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if obj.Exported() {
			w.object(obj)
		}
	}
	return w.lines
}

type apiWriter struct {
	pkg   *types.Package
	lines []string
}

func (w *apiWriter) add(format string, args ...any) {
	w.lines = append(w.lines, "pkg "+w.pkg.Path()+", "+fmt.Sprintf(format, args...))
}

// qualify names another package's types by its name, this package's bare.
func (w *apiWriter) qualify(p *types.Package) string {
	if p == w.pkg {
		return ""
	}
	return p.Name()
}

// typ writes a type; a function type without its parameters' names.
func (w *apiWriter) typ(t types.Type) string {
	if sig, ok := t.(*types.Signature); ok {
		return "func" + w.signature(sig)
	}
	return types.TypeString(t, w.qualify)
}

func (w *apiWriter) object(obj types.Object) {
	switch o := obj.(type) {
	case *types.Const:
		w.add("const %s %s = %s", o.Name(), w.typ(o.Type()), o.Val().ExactString())
	case *types.Var:
		w.add("var %s %s", o.Name(), w.typ(o.Type()))
	case *types.Func:
		w.add("func %s%s", o.Name(), w.signature(o.Type().(*types.Signature)))
	case *types.TypeName:
		w.typeName(o)
	}
}

func (w *apiWriter) typeName(o *types.TypeName) {
	if o.IsAlias() {
		rhs := types.Unalias(o.Type())
		if a, ok := o.Type().(*types.Alias); ok {
			rhs = a.Rhs()
		}
		w.add("type %s = %s", o.Name(), w.typ(rhs))
		return
	}
	named, ok := o.Type().(*types.Named)
	if !ok {
		return
	}
	head := o.Name() + w.typeParams(named.TypeParams())
	switch u := named.Underlying().(type) {
	case *types.Struct:
		w.structType(head, u)
	case *types.Interface:
		w.interfaceType(head, u)
	default:
		w.add("type %s %s", head, w.typ(u))
	}
	for i := range named.NumMethods() {
		m := named.Method(i)
		if !m.Exported() {
			continue
		}
		sig := m.Type().(*types.Signature)
		recv := head
		if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
			recv = "*" + head
		}
		w.add("method (%s) %s%s", recv, m.Name(), w.signature(sig))
	}
}

func (w *apiWriter) structType(head string, s *types.Struct) {
	w.add("type %s struct", head)
	for i := range s.NumFields() {
		f := s.Field(i)
		switch {
		case f.Embedded() && (f.Exported() || isExportedType(f.Type())):
			w.add("type %s struct, embedded %s", head, w.typ(f.Type()))
		case f.Exported():
			w.add("type %s struct, %s %s", head, f.Name(), w.typ(f.Type()))
		}
	}
}

func isExportedType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Exported()
}

func (w *apiWriter) interfaceType(head string, it *types.Interface) {
	var names []string
	unexported := false
	for i := range it.NumMethods() {
		m := it.Method(i)
		if !m.Exported() {
			unexported = true
			continue
		}
		names = append(names, m.Name())
		w.add("type %s interface, %s%s", head, m.Name(), w.signature(m.Type().(*types.Signature)))
	}
	if unexported {
		names = append(names, "unexported methods")
	}
	for i := range it.NumEmbeddeds() {
		if _, isIface := it.EmbeddedType(i).Underlying().(*types.Interface); !isIface {
			names = append(names, w.typ(it.EmbeddedType(i))) // a constraint's type set
		}
	}
	w.add("type %s interface { %s }", head, strings.Join(names, ", "))
}

// signature writes a function's type parameters, parameter and result types,
// without their names: "(Fetcher, *SourceOptions) *Source".
func (w *apiWriter) signature(sig *types.Signature) string {
	var b strings.Builder
	b.WriteString(w.typeParams(sig.TypeParams()))
	b.WriteString("(")
	w.tuple(&b, sig.Params(), sig.Variadic())
	b.WriteString(")")
	res := sig.Results()
	switch {
	case res.Len() == 1:
		b.WriteString(" " + w.typ(res.At(0).Type()))
	case res.Len() > 1:
		b.WriteString(" (")
		w.tuple(&b, res, false)
		b.WriteString(")")
	}
	return b.String()
}

func (w *apiWriter) tuple(b *strings.Builder, t *types.Tuple, variadic bool) {
	for i := range t.Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		typ := t.At(i).Type()
		if s, ok := typ.(*types.Slice); ok && variadic && i == t.Len()-1 {
			b.WriteString("..." + w.typ(s.Elem()))
			continue
		}
		b.WriteString(w.typ(typ))
	}
}

func (w *apiWriter) typeParams(tp *types.TypeParamList) string {
	if tp.Len() == 0 {
		return ""
	}
	parts := make([]string, tp.Len())
	for i := range tp.Len() {
		p := tp.At(i)
		parts[i] = p.Obj().Name() + " " + w.typ(p.Constraint())
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
