package main

import (
	"bufio"
	"fmt"
	"net"

	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// redisServer is the fleet's Redis: the real redis-server, or miniredis.
type redisServer interface {
	Addr() string
	// Describe says which Redis this is.
	Describe() string
	// Kill stops it abruptly; Restart starts it again on the same address.
	Kill() error
	Restart() error
	Close()
}

// startRedis starts redis-server when it is on the PATH, else miniredis.
func startRedis(dir string) (redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			return nil, err
		}
		return &miniServer{m}, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	s := &realServer{bin: bin, port: port, dir: dir}
	return s, s.Restart()
}

type miniServer struct{ m *miniredis.Miniredis }

func (s *miniServer) Addr() string { return s.m.Addr() }
func (s *miniServer) Describe() string {
	return "miniredis on " + s.m.Addr() + " (in-process: redis-server is not on the PATH; Debian's redis-server package provides it). " +
		"A restarted miniredis keeps its data, where the real server started without persistence comes back empty"
}
func (s *miniServer) Kill() error    { s.m.Close(); return nil }
func (s *miniServer) Restart() error { return s.m.Restart() }
func (s *miniServer) Close()         { s.m.Close() }

type realServer struct {
	bin, dir, version string
	port              int
	cmd               *exec.Cmd
}

func (s *realServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }
func (s *realServer) Describe() string {
	return fmt.Sprintf("redis-server %s on %s (a real server, no persistence: it comes back empty after a restart)", s.version, s.Addr())
}

func (s *realServer) Restart() error {
	s.cmd = exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	// Another process: its readiness can only be polled.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if v, err := s.info(); err == nil {
			s.version = v
			return nil
		}
	}
	return fmt.Errorf("redis-server did not start on %s", s.Addr())
}

// info asks the server for its version: it answers once it is ready.
func (s *realServer) info() (string, error) {
	c, err := net.DialTimeout("tcp", s.Addr(), 100*time.Millisecond)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	fmt.Fprint(c, "INFO server\r\n")
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "redis_version:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("no version: %v", sc.Err())
}

func (s *realServer) Kill() error {
	if s.cmd == nil {
		return nil
	}
	err := s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
	return err
}

func (s *realServer) Close() { _ = s.Kill() }
