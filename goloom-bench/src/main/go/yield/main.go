// yield: one goroutine calls runtime.Gosched n times. Prints ns per call. Go has one
// user-visible yield, so the same measurement fills both the Thread.yield and Go.yield rows.
package main

import (
	"flag"
	"runtime"
	"time"
)

func main() {
	n := flag.Int("n", 1000000, "calls per round")
	flag.Parse()
	measure([]string{"Thread.yield", "Go.yield"}, func() []float64 {
		start := time.Now()
		for i := 0; i < *n; i++ {
			runtime.Gosched()
		}
		perCall := float64(time.Since(start)) / float64(*n)
		return []float64{perCall, perCall}
	})
}
