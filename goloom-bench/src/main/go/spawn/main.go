// spawn: the main goroutine starts n goroutines that only mark a WaitGroup done, and waits
// for all of them. Prints goroutines started and finished per second.
package main

import (
	"flag"
	"sync"
	"time"
)

func main() {
	n := flag.Int("n", 1000000, "goroutines started per round")
	flag.Parse()
	measure([]string{"throughput"}, func() []float64 {
		var wg sync.WaitGroup
		wg.Add(*n)
		start := time.Now()
		for i := 0; i < *n; i++ {
			go wg.Done()
		}
		wg.Wait()
		return []float64{float64(*n) / time.Since(start).Seconds()}
	})
}
