// timedget: the analogue of Future.get(timeout) ping-pong. Two goroutines hop: each hop makes a
// new one-slot channel (a future), sends it on the channel the other goroutine waits on, and
// waits for its own in a select with a one-second time.Timer, stopped after (a timed park that
// arms and cancels a timer). Prints ns per round trip (two hops); a timeout exits 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

type future chan future

// hop completes theirs with a new future and waits, with a deadline, for this side's.
func hop(theirs future) future {
	mine := make(future, 1)
	theirs <- mine
	return get(mine)
}

func get(f future) future {
	t := time.NewTimer(time.Second)
	select {
	case v := <-f:
		t.Stop()
		return v
	case <-t.C:
		fmt.Fprintln(os.Stderr, "timed out after 1 s")
		os.Exit(1)
		return nil
	}
}

func main() {
	n := flag.Int("n", 100000, "round trips per round")
	flag.Parse()
	measure([]string{"round trip"}, func() []float64 {
		first := make(future, 1)
		go func() {
			theirs := get(first)
			for i := 1; i < *n; i++ {
				theirs = hop(theirs)
			}
			theirs <- make(future, 1)
		}()
		elapsed := make(chan time.Duration)
		go func() {
			start := time.Now()
			theirs := first
			for i := 0; i < *n; i++ {
				theirs = hop(theirs)
			}
			elapsed <- time.Since(start)
		}()
		return []float64{float64(<-elapsed) / float64(*n)}
	})
}
