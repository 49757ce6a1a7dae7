// sleep16k: s goroutines each call time.Sleep(time.Millisecond) in a loop for d. Prints the
// lateness (time slept minus 1 ms) p50/p99/p99.9 in µs, and wake-ups per second. The Go column
// of wakeup16k too: Go has only the one sleep, on its per-P timers.
package main

import (
	"flag"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	sleepers := flag.Int("sleepers", 16384, "sleeping goroutines")
	duration := flag.Duration("duration", 5*time.Second, "how long they sleep in a loop, per round")
	flag.Parse()
	names := []string{"lateness p50", "lateness p99", "lateness p999", "wake-ups"}
	measure(names, func() []float64 {
		lateness := &histogram{}
		var wakeUps int64
		var wg sync.WaitGroup
		wg.Add(*sleepers)
		start := time.Now()
		end := start.Add(*duration)
		for i := 0; i < *sleepers; i++ {
			go func() {
				var count int64
				for before := time.Now(); before.Before(end); before = time.Now() {
					time.Sleep(time.Millisecond)
					lateness.record(int64(time.Since(before) - time.Millisecond))
					count++
				}
				atomic.AddInt64(&wakeUps, count)
				wg.Done()
			}()
		}
		wg.Wait()
		seconds := time.Since(start).Seconds()
		return []float64{micros(lateness.percentile(50)), micros(lateness.percentile(99)),
			micros(lateness.percentile(99.9)), float64(wakeUps) / seconds}
	})
}
