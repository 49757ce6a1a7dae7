// monitors: the Java row's shape with sync.Mutex. threads goroutines wait at a gate, then each
// makes n/threads lock acquisitions, goroutine t's i-th taking mutex (t+i)%4, incrementing that
// mutex's counter and stepping a small generator under it. Prints ns per acquisition; a counter
// that does not add up (a lost update) exits 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

const locks = 4

type guarded struct {
	mu    sync.Mutex
	count int64
	state uint64
	_     [40]byte // one cache line each, as the JVM's separate objects mostly are
}

func main() {
	threads := flag.Int("threads", 200, "goroutines")
	n := flag.Int("n", 20000000, "acquisitions per round, shared among the goroutines")
	flag.Parse()
	each := *n / *threads
	measure([]string{"time per acquisition"}, func() []float64 {
		var g [locks]guarded
		for k := range g {
			g[k].state = 1
		}
		var entered [locks]int64
		var enteredMu sync.Mutex
		gate := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(*threads)
		for t := 0; t < *threads; t++ {
			go func(first int) {
				defer wg.Done()
				var mine [locks]int64
				<-gate
				for i := 0; i < each; i++ {
					k := (first + i) % locks
					m := &g[k]
					m.mu.Lock()
					m.count++
					s := m.state
					for j := 0; j < 4; j++ {
						s = s*6364136223846793005 + 1442695040888963407
					}
					m.state = s
					m.mu.Unlock()
					mine[k]++
				}
				enteredMu.Lock()
				for k := range mine {
					entered[k] += mine[k]
				}
				enteredMu.Unlock()
			}(t)
		}
		start := time.Now()
		close(gate)
		wg.Wait()
		elapsed := time.Since(start)
		var total int64
		for k := range g {
			if g[k].count != entered[k] {
				fmt.Fprintf(os.Stderr, "mutex %d counted %d, its goroutines made %d\n", k, g[k].count, entered[k])
				os.Exit(1)
			}
			total += g[k].count
		}
		if total != int64(each**threads) {
			fmt.Fprintf(os.Stderr, "%d acquisitions, expected %d\n", total, each**threads)
			os.Exit(1)
		}
		return []float64{float64(elapsed) / float64(total)}
	})
}
