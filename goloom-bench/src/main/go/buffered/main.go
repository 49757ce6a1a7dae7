// buffered: a producer and a consumer goroutine pass n items through a channel with a
// buffer of 1024, the analogue of ArrayBlockingQueue(1024). Prints ns per item, from the
// producer's first send to the consumer's last receive.
package main

import (
	"flag"
	"time"
)

func main() {
	n := flag.Int("n", 1000000, "items per round")
	metric := flag.String("metric", "per item", "the name printed: one program serves rows of several names")
	flag.Parse()
	measure([]string{*metric}, func() []float64 {
		queue := make(chan struct{}, 1024)
		started, finished := make(chan time.Time, 1), make(chan time.Time, 1)
		go func() {
			for i := 0; i < *n; i++ {
				<-queue
			}
			finished <- time.Now()
		}()
		go func() {
			started <- time.Now()
			for i := 0; i < *n; i++ {
				queue <- struct{}{}
			}
		}()
		start, end := <-started, <-finished
		return []float64{float64(end.Sub(start)) / float64(*n)}
	})
}
