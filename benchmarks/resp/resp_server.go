// The Go peer of the RESP benchmark (benchmarks/resp-bench.sh): one goroutine per connection,
// the same protocol as co.examples.RespServer (PING [msg], ECHO msg, QUIT, CONFIG GET pattern;
// inline or RESP-array requests, pipelined; replies of one read leave in one write; protocol
// errors get an -ERR reply and a closed connection). Standard library only.
//
// Build: go build -o resp-go resp_server.go     Run: GOMAXPROCS=1 ./resp-go PORT
package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
)

const bufferSize = 16 * 1024
const replyOverhead = 128

var pong = []byte("+PONG\r\n")

// incomplete marks a request that has not fully arrived.
const incomplete = -1

type session struct {
	args [][]byte
}

// parseNumber parses digits (optionally negative) ending in CRLF at i: value, index after the
// CRLF, and ok=false for a malformed number; end == incomplete if the CRLF has not arrived.
func parseNumber(in []byte, i int) (value int64, end int, ok bool) {
	negative := i < len(in) && in[i] == '-'
	start := i
	if negative {
		start++
	}
	j := start
	for ; j < len(in); j++ {
		b := in[j]
		if b == '\r' {
			break
		}
		if b < '0' || b > '9' || j-start >= 18 {
			return 0, 0, false
		}
		value = value*10 + int64(b-'0')
	}
	if j+1 >= len(in) {
		return 0, incomplete, true
	}
	if j == start || in[j+1] != '\n' {
		return 0, 0, false
	}
	if negative {
		value = -1
	}
	return value, j + 2, true
}

// parse reads one request at the start of in: index after it, incomplete, or -2 - error index.
func (s *session) parse(in []byte) int {
	s.args = s.args[:0]
	if in[0] != '*' {
		nl := bytes.IndexByte(in, '\n')
		if nl < 0 {
			return incomplete
		}
		line := in[:nl]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		for i := 0; i < len(line); {
			for i < len(line) && line[i] == ' ' {
				i++
			}
			start := i
			for i < len(line) && line[i] != ' ' {
				i++
			}
			if i > start {
				s.args = append(s.args, line[start:i])
			}
		}
		return nl + 1
	}
	count, i, ok := parseNumber(in, 1)
	if !ok || count > 1024*1024 {
		return -2
	}
	if i == incomplete {
		return incomplete
	}
	for k := int64(0); k < count; k++ {
		if i >= len(in) {
			return incomplete
		}
		if in[i] != '$' {
			return -4
		}
		length, data, ok := parseNumber(in, i+1)
		if !ok || length < 0 && data != incomplete || length > bufferSize {
			return -3
		}
		if data == incomplete {
			return incomplete
		}
		after := data + int(length)
		if after+2 > len(in) {
			return incomplete
		}
		if in[after] != '\r' || in[after+1] != '\n' {
			return -5
		}
		s.args = append(s.args, in[data:after])
		i = after + 2
	}
	return i
}

var protocolErrors = []string{"invalid multibulk length", "invalid bulk length", "expected '$'", "expected CRLF"}

func bulk(out []byte, b []byte) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(b)), 10)
	out = append(out, '\r', '\n')
	out = append(out, b...)
	return append(out, '\r', '\n')
}

// execute appends the reply of the parsed request; true means close after sending.
func (s *session) execute(out []byte) ([]byte, bool) {
	a := s.args
	switch {
	case bytes.EqualFold(a[0], []byte("PING")):
		switch len(a) {
		case 1:
			return append(out, pong...), false
		case 2:
			return bulk(out, a[1]), false
		}
		return append(out, "-ERR wrong number of arguments for 'ping' command\r\n"...), false
	case bytes.EqualFold(a[0], []byte("ECHO")):
		if len(a) == 2 {
			return bulk(out, a[1]), false
		}
		return append(out, "-ERR wrong number of arguments for 'echo' command\r\n"...), false
	case bytes.EqualFold(a[0], []byte("QUIT")):
		return append(out, "+OK\r\n"...), true
	case bytes.EqualFold(a[0], []byte("CONFIG")) && len(a) >= 2 && bytes.EqualFold(a[1], []byte("GET")):
		if len(a) == 3 {
			return append(out, "*0\r\n"...), false
		}
		return append(out, "-ERR wrong number of arguments for 'config|get' command\r\n"...), false
	}
	name := a[0]
	if len(name) > 64 {
		name = name[:64]
	}
	out = append(out, "-ERR unknown command '"...)
	for _, b := range name {
		if b < 0x20 || b >= 0x7f || b == '\'' {
			b = '?'
		}
		out = append(out, b)
	}
	return append(out, "'\r\n"...), false
}

func serve(conn net.Conn) {
	defer conn.Close()
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetNoDelay(true)
	}
	s := &session{args: make([][]byte, 0, 4)}
	in := make([]byte, bufferSize)
	out := make([]byte, 0, 2*bufferSize)
	have := 0
	for {
		n, err := conn.Read(in[have:])
		if n <= 0 || err != nil {
			return
		}
		have += n
		pos := 0
		closing := false
		for pos < have && !closing {
			if cap(out)-len(out) < have-pos+replyOverhead && cap(out)-len(out) < bufferSize+replyOverhead {
				if _, err := conn.Write(out); err != nil {
					return
				}
				out = out[:0]
			}
			end := s.parse(in[pos:have])
			if end == incomplete {
				if pos == 0 && have == len(in) {
					out = append(out, "-ERR Protocol error: too big request\r\n"...)
					closing = true
				}
				break
			}
			if end < 0 {
				out = append(out, "-ERR Protocol error: "+protocolErrors[-end-2]+"\r\n"...)
				closing = true
				break
			}
			pos += end
			if len(s.args) > 0 {
				out, closing = s.execute(out)
			}
		}
		if len(out) > 0 {
			if _, err := conn.Write(out); err != nil {
				return
			}
			out = out[:0]
		}
		if closing {
			return
		}
		have = copy(in, in[pos:have])
	}
}

func main() {
	port := "6380"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "Go RESP server on", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(conn)
	}
}
