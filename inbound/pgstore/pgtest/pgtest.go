package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable is wrapped by Start's error when no PostgreSQL server can be
// had on this machine (the binaries are missing, or no unprivileged user).
var ErrUnavailable = errors.New("pgtest: PostgreSQL unavailable (install the postgresql package, e.g. apt-get install -y postgresql)")

// startTimeout bounds the wait for a starting server.
const startTimeout = 60 * time.Second

// Server is a running throwaway PostgreSQL server.
type Server struct {
	dir, bin string
	port     int
	owner    *owner // nil: run as this process's user

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// owner is the unprivileged user the server runs as.
type owner struct{ uid, gid uint32 }

// Start makes a cluster and starts a server on a free loopback port.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if s.owner, err = unprivileged(); err != nil {
			return nil, err
		}
	}
	if s.dir, err = os.MkdirTemp("", "pgtest-*"); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if err := s.initdb(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err == nil {
			if err = s.Restart(); err == nil {
				return s, nil
			}
		}
		if attempt == 2 {
			s.Close()
			return nil, err
		}
	}
}

// URL returns the connection string of the server's "postgres" database,
// as the superuser "postgres" (no password: trust authentication on
// loopback).
func (s *Server) URL() string {
	return "postgres://postgres@127.0.0.1:" + strconv.Itoa(s.port) + "/postgres?sslmode=disable"
}

// Stop stops the server (a fast shutdown) and keeps its data, so that
// Restart can start it again on the same port: a database outage.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	_ = signalStop(s.cmd.Process)
	select {
	case <-s.done:
	case <-time.After(startTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
	return nil
}

// Restart starts the stopped server again on its port and waits until it
// accepts connections.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	logf, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()
	cmd := s.command("postgres", "-D", filepath.Join(s.dir, "data"), "-p", strconv.Itoa(s.port),
		"-h", "127.0.0.1", "-k", s.dir, "-F", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: starting postgres: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	if err := s.waitReady(); err != nil {
		_ = cmd.Process.Kill()
		<-done
		s.cmd = nil
		return err
	}
	return nil
}

// waitReady polls until the server accepts a connection, it exits, or
// startTimeout passes.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgconn.Connect(ctx, s.URL())
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-s.done:
			return fmt.Errorf("pgtest: postgres exited at start: %s", s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within %v: %s", startTimeout, s.logTail())
		}
	}
}

// Close stops the server and removes its directory. A nil *Server's Close
// does nothing.
func (s *Server) Close() error {
	if s == nil {
		return nil
	}
	_ = s.Stop()
	return os.RemoveAll(s.dir)
}

func (s *Server) initdb() error {
	if s.owner != nil {
		if err := os.Chown(s.dir, int(s.owner.uid), int(s.owner.gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	cmd := s.command("initdb", "-D", filepath.Join(s.dir, "data"), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: initdb: %v: %s", ErrUnavailable, err, lastLines(string(out)))
	}
	return nil
}

// command runs one of the server binaries as the server's owner, in its
// directory (which the owner can read, unlike the caller's).
func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"LC_ALL=C", "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = procAttr(s.owner)
	return cmd
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	return lastLines(string(b))
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], " / ")
}

// findBin returns the directory of initdb and postgres.
func findBin() (string, error) {
	var dirs []string
	if d := os.Getenv("PGTEST_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(found, func(a, b string) int { return versionOf(b) - versionOf(a) }) // newest first
	dirs = append(dirs, found...)
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w: initdb and postgres not found", ErrUnavailable)
}

func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// unprivileged finds (or makes) a user to run the server as, for a process
// running as root.
func unprivileged() (*owner, error) {
	names := []string{os.Getenv("PGTEST_USER"), "nobody", "gatehouse-pg"}
	for _, name := range names {
		if o := lookupOwner(name); o != nil {
			return o, nil
		}
	}
	out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "gatehouse-pg").CombinedOutput()
	if o := lookupOwner("gatehouse-pg"); o != nil {
		return o, nil
	}
	return nil, fmt.Errorf("%w: running as root and no unprivileged user to run the server as (useradd: %v: %s)",
		ErrUnavailable, err, lastLines(string(out)))
}

func lookupOwner(name string) *owner {
	if name == "" {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil || uid == 0 {
		return nil
	}
	return &owner{uint32(uid), uint32(gid)}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
