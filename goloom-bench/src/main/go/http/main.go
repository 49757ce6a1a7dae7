// http: the Go column of the http row. A net/http server on 127.0.0.1 (an ephemeral port)
// with the Java servers' handler: about 20 us of CPU (the same chain of 64-bit mixes,
// calibrated here), time.Sleep(1ms), a 9-byte reply on the kept-alive connection. The load
// comes from the Java rows' own generator: the arguments after "--" are its command line
// (goloom-bench's LoadMain in a new JVM), to which this program adds "--port P --pid PID" and
// whose name=value lines it prints. -hogs N adds N goroutines that spin forever (the
// http-hogs rows). -warmup and -rounds (stats.go) are accepted and unused:
// like the Java sides, the generator runs one warm-up, one saturation run and one open loop.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// sink consumes each request's hash, so the compiler keeps the loop.
var sink uint64

func spin(n int, seed uint64) uint64 {
	x := seed | 1
	for i := 0; i < n; i++ {
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
	}
	return x
}

// calibrate returns the iterations of spin that take target: the median of 21 timed trials.
func calibrate(target time.Duration) int {
	const iterations = 200000
	var s uint64
	for i := 0; i < 200; i++ {
		s += spin(10000, uint64(i))
	}
	trials := make([]float64, 21)
	for t := range trials {
		start := time.Now()
		s += spin(iterations, uint64(t))
		trials[t] = float64(time.Since(start).Nanoseconds())
	}
	atomic.AddUint64(&sink, s)
	sort.Float64s(trials)
	perIteration := trials[len(trials)/2] / iterations
	n := int(float64(target.Nanoseconds())/perIteration + 0.5)
	if n < 1 {
		n = 1
	}
	return n
}

func main() {
	workUs := flag.Int("work-us", 20, "CPU work per request, microseconds")
	hogs := flag.Int("hogs", 0, "CPU-hog goroutines spinning beside the server (the http-hogs rows)")
	hogWork := flag.Int("hog-work", 20000, "iterations of the mix per hog chunk")
	flag.Parse()
	generator := flag.Args()
	if len(generator) == 0 {
		fmt.Fprintln(os.Stderr, "http: no load generator command after --")
		os.Exit(2)
	}
	work := calibrate(time.Duration(*workUs) * time.Microsecond)
	body := []byte("hello!!!\n")
	var handled int64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt64(&handled, 1)
		atomic.StoreUint64(&sink, spin(work, uint64(time.Now().UnixNano())))
		time.Sleep(time.Millisecond)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "http: listen:", err)
		os.Exit(1)
	}
	for i := 0; i < *hogs; i++ {
		go func(seed uint64) {
			for {
				seed = spin(*hogWork, seed) // Go preempts it asynchronously: no checkpoint needed
			}
		}(uint64(i))
	}
	server := &http.Server{Handler: handler}
	go server.Serve(ln)
	port := ln.Addr().(*net.TCPAddr).Port

	args := append(append([]string{}, generator[1:]...),
		"--port", strconv.Itoa(port), "--pid", strconv.Itoa(os.Getpid()))
	cmd := exec.Command(generator[0], args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// Only on failure: the generator's standard error (JVM warnings included) may hold '=',
		// which the Go column would read as a metric.
		fmt.Fprintf(os.Stderr, "http: load generator failed (%v): %s\n", err, strings.TrimSpace(stderr.String()))
		os.Exit(1)
	}
	server.Close()
	if atomic.LoadInt64(&handled) == 0 {
		fmt.Fprintln(os.Stderr, "http: the Go server handled no request")
		os.Exit(1)
	}
	os.Stdout.Write(stdout.Bytes())
}
