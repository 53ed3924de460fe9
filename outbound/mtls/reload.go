package mtls

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// File names one client certificate on disk: either a PEM pair (CertFile
// and KeyFile, which may be the same file) or a PKCS#12 file (PFXFile and
// Password).
//
// Its String, GoString and Format methods and its slog LogValue never show
// the password.
type File struct {
	// CertFile is a PEM certificate chain, leaf first.
	CertFile string
	// KeyFile is the PEM private key for CertFile.
	KeyFile string
	// PFXFile is a PKCS#12 (.p12, .pfx) file, used instead of CertFile and
	// KeyFile.
	PFXFile string
	// Password decrypts PFXFile.
	Password string
}

// String describes the file without its password.
func (f File) String() string {
	if f.PFXFile != "" {
		pw := "empty"
		if f.Password != "" {
			pw = "REDACTED"
		}
		return fmt.Sprintf("File{PFXFile: %q, Password: %s}", f.PFXFile, pw)
	}
	return fmt.Sprintf("File{CertFile: %q, KeyFile: %q}", f.CertFile, f.KeyFile)
}

// GoString is String, so that %#v redacts too.
func (f File) GoString() string { return f.String() }

// Format implements fmt.Formatter so that every verb prints the redacted
// form.
func (f File) Format(s fmt.State, verb rune) {
	out := f.String()
	if verb == 'q' {
		out = fmt.Sprintf("%q", out)
	}
	_, _ = s.Write([]byte(out))
}

// LogValue implements slog.LogValuer: the password is never logged.
func (f File) LogValue() slog.Value {
	if f.PFXFile != "" {
		return slog.GroupValue(slog.String("pfx_file", f.PFXFile))
	}
	return slog.GroupValue(slog.String("cert_file", f.CertFile), slog.String("key_file", f.KeyFile))
}

// MarshalJSON encodes the paths without the password, so that a File nested
// in another value printed by encoding/json or slog's JSON handler stays
// redacted.
func (f File) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		CertFile string `json:"cert_file,omitempty"`
		KeyFile  string `json:"key_file,omitempty"`
		PFXFile  string `json:"pfx_file,omitempty"`
		Password string `json:"password,omitempty"`
	}{f.CertFile, f.KeyFile, f.PFXFile, redactedPassword(f.Password)})
}

// MarshalText is String, for encoders that use encoding.TextMarshaler.
func (f File) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

func redactedPassword(p string) string {
	if p == "" {
		return ""
	}
	return "REDACTED"
}

func (f File) validate() error {
	pem := f.CertFile != "" || f.KeyFile != ""
	switch {
	case pem && f.PFXFile != "":
		return &Error{Op: "reloader", Err: errors.New("a File has both PEM and PFX paths; set one kind")}
	case f.PFXFile != "":
		return nil
	case f.CertFile == "" || f.KeyFile == "":
		return &Error{Op: "reloader", Err: errors.New("a File needs CertFile and KeyFile, or PFXFile")}
	}
	return nil
}

// read returns the file's contents: the certificate and key for a PEM pair,
// the one file for PFX.
func (f File) read() ([][]byte, error) {
	if f.PFXFile != "" {
		data, err := readFile(f.PFXFile)
		if err != nil {
			return nil, &Error{Op: "load PFX", Path: f.PFXFile, Err: err}
		}
		return [][]byte{data}, nil
	}
	certPEM, err := readFile(f.CertFile)
	if err != nil {
		return nil, &Error{Op: "load PEM", Path: f.CertFile, Err: err}
	}
	keyPEM := certPEM
	if f.KeyFile != f.CertFile {
		if keyPEM, err = readFile(f.KeyFile); err != nil {
			return nil, &Error{Op: "load PEM", Path: f.KeyFile, Err: err}
		}
	}
	return [][]byte{certPEM, keyPEM}, nil
}

func (f File) parse(parts [][]byte, now time.Time) (tls.Certificate, error) {
	if f.PFXFile != "" {
		return loadPFX(parts[0], f.Password, f.PFXFile, now)
	}
	return loadPEM(parts[0], parts[1], f.CertFile, f.KeyFile, now)
}

// checksum identifies the contents of parts; a read failure has its own.
func checksum(parts [][]byte, readErr error) [32]byte {
	h := sha256.New()
	if readErr != nil {
		h.Write([]byte("error:" + readErr.Error()))
	}
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p)) // length-prefixed, so two files cannot alias one
		h.Write(p)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// ReloaderOptions configures a Reloader. The zero value is ready to use.
type ReloaderOptions struct {
	// Interval is how often the files are checked. Zero means one minute;
	// a negative value disables the background check, leaving Reload to the
	// caller (a SIGHUP handler, a test). Values below one second are raised
	// to one second.
	Interval time.Duration
	// OnError is called when a file has changed but cannot be used (missing,
	// unreadable, wrong password, mismatched key, expired). The last good
	// certificate stays in use. It is called once per distinct failure, not
	// on every check. nil means errors are only returned by Reload.
	OnError func(error)
	// OnReload is called with the new leaf after a changed file was loaded
	// and put in use.
	//
	// Both hooks run on the goroutine doing the check (the background one,
	// or Reload's caller), one call at a time; they must not call Reload.
	OnReload func(*x509.Certificate)
	// Now returns the current time; nil means time.Now. It decides expiry
	// both when loading and in the Set's handshakes.
	Now func() time.Time
}

// Reloader keeps a Set filled with the certificates in a list of files and
// picks up changes to them without a restart: a renewed certificate written
// over the old file, or a second file added for a two-certificate rotation.
//
// Each check reads the files and compares a SHA-256 of their contents with
// the last check (robust where modification times are coarse or preserved
// by a copy). A changed file that loads replaces that file's certificate in
// the Set; one that does not keeps the last good certificate and is reported
// to OnError. Replace a PEM pair by renaming new files into place: a check
// that reads a new certificate with the old key reports ErrKeyMismatch and
// keeps the old pair until the next check.
type Reloader struct {
	files []File
	set   *Set
	opts  ReloaderOptions

	mu    sync.Mutex // serialises Reload
	slots []slot

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

type slot struct {
	cert    tls.Certificate // last good
	seen    [32]byte        // checksum of the last attempt
	lastErr error           // result of the last attempt
}

// NewReloader loads every file (each must load now: there is no last good
// certificate to fall back on yet) and starts checking them in the
// background unless opts.Interval is negative. Close stops the check. nil
// opts means the defaults.
func NewReloader(files []File, opts *ReloaderOptions) (*Reloader, error) {
	var o ReloaderOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Interval == 0:
		o.Interval = time.Minute
	case o.Interval > 0 && o.Interval < time.Second:
		o.Interval = time.Second
	}
	var tick <-chan time.Time
	var ticker *time.Ticker
	if o.Interval > 0 {
		ticker = time.NewTicker(o.Interval)
		tick = ticker.C
	}
	r, err := newReloader(files, o)
	if err != nil {
		if ticker != nil {
			ticker.Stop()
		}
		return nil, err
	}
	if ticker != nil {
		go func() {
			defer ticker.Stop()
			r.loop(tick)
		}()
	} else {
		close(r.done)
	}
	return r, nil
}

// newReloader builds the Reloader and loads the files; the caller starts
// loop (tests with their own tick channel).
func newReloader(files []File, o ReloaderOptions) (*Reloader, error) {
	if len(files) == 0 {
		return nil, &Error{Op: "reloader", Err: ErrNoCertificate}
	}
	r := &Reloader{
		files: append([]File(nil), files...),
		set:   &Set{Now: o.Now},
		opts:  o,
		slots: make([]slot, len(files)),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	var errs []error
	for i, f := range r.files {
		if err := f.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		parts, err := f.read()
		if err == nil {
			r.slots[i].cert, err = f.parse(parts, r.now())
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.slots[i].seen = checksum(parts, nil)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := r.set.Replace(r.certs()...); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reloader) loop(tick <-chan time.Time) {
	defer close(r.done)
	for {
		select {
		case <-r.stop:
			return
		case <-tick:
			_ = r.Reload() // failures go to OnError
		}
	}
}

// String describes the Reloader by its files, so that printing one never
// shows key material or passwords.
func (r *Reloader) String() string {
	return fmt.Sprintf("mtls.Reloader%v", r.files)
}

// GoString is String, so that %#v is safe too.
func (r *Reloader) GoString() string { return r.String() }

// Set returns the Set the Reloader keeps up to date.
func (r *Reloader) Set() *Set { return r.set }

// TLSConfig is r.Set().TLSConfig(roots).
func (r *Reloader) TLSConfig(roots *x509.CertPool) *tls.Config { return r.set.TLSConfig(roots) }

// Reload checks the files now. It returns nil when every file on disk is
// usable, else the errors of those that are not (joined); either way the
// Set holds the last good certificate of each file. It is safe to call
// concurrently with the background check.
func (r *Reloader) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	var errs []error
	for i, f := range r.files {
		s := &r.slots[i]
		parts, err := f.read()
		sum := checksum(parts, err)
		if sum == s.seen {
			// Nothing new since the last check: same contents, or the same
			// read failure, already reported.
			if s.lastErr != nil {
				errs = append(errs, s.lastErr)
			}
			continue
		}
		var c tls.Certificate
		if err == nil {
			c, err = f.parse(parts, r.now())
		}
		s.seen, s.lastErr = sum, err
		if err != nil {
			errs = append(errs, err)
			if r.opts.OnError != nil {
				r.opts.OnError(err)
			}
			continue
		}
		s.cert = c
		changed = true
		if r.opts.OnReload != nil {
			r.opts.OnReload(c.Leaf)
		}
	}
	if changed {
		if err := r.set.Replace(r.certs()...); err != nil {
			return err // cannot happen: every slot passed the loaders' checks
		}
	}
	return errors.Join(errs...)
}

// Close stops the background check and waits for it to finish. It is safe
// to call more than once; the Set keeps working after Close.
func (r *Reloader) Close() error {
	r.closeOnce.Do(func() { close(r.stop) })
	<-r.done
	return nil
}

func (r *Reloader) certs() []tls.Certificate {
	out := make([]tls.Certificate, len(r.slots))
	for i := range r.slots {
		out[i] = r.slots[i].cert
	}
	return out
}

func (r *Reloader) now() time.Time {
	if r.opts.Now != nil {
		return r.opts.Now()
	}
	return time.Now()
}
