// pingpong: two goroutines pass a token back and forth over two unbuffered channels, the
// analogue of both park/unpark and SynchronousQueue ping-pong. Prints ns per round trip.
package main

import (
	"flag"
	"time"
)

func main() {
	n := flag.Int("n", 100000, "round trips per round")
	metric := flag.String("metric", "round trip", "the name printed: one program serves rows of several names")
	flag.Parse()
	measure([]string{*metric}, func() []float64 {
		there, back := make(chan struct{}), make(chan struct{})
		go func() {
			for i := 0; i < *n; i++ {
				back <- <-there
			}
		}()
		elapsed := make(chan time.Duration)
		go func() {
			start := time.Now()
			for i := 0; i < *n; i++ {
				there <- struct{}{}
				<-back
			}
			elapsed <- time.Since(start)
		}()
		return []float64{float64(<-elapsed) / float64(*n)}
	})
}
