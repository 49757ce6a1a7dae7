// fanout: a publisher sends each of m messages, stamped with its publish time, to s
// subscriber goroutines (one channel with a buffer of one each) and waits until all have
// received it before sending the next. Prints delivery latency p50/p95/p99 in µs.
package main

import (
	"flag"
	"sync"
	"time"
)

type message struct {
	published time.Time
	received  *sync.WaitGroup
}

func main() {
	subscribers := flag.Int("subscribers", 10000, "subscriber goroutines")
	messages := flag.Int("messages", 1000, "messages per round")
	flag.Parse()
	measure([]string{"latency p50", "latency p95", "latency p99"}, func() []float64 {
		latency := &histogram{}
		var ready, exited sync.WaitGroup
		ready.Add(*subscribers)
		exited.Add(*subscribers)
		inboxes := make([]chan message, *subscribers)
		for i := range inboxes {
			inbox := make(chan message, 1)
			inboxes[i] = inbox
			go func() {
				ready.Done()
				for m := range inbox {
					latency.record(int64(time.Since(m.published)))
					m.received.Done()
				}
				exited.Done()
			}()
		}
		published := make(chan struct{})
		go func() {
			ready.Wait()
			for i := 0; i < *messages; i++ {
				var received sync.WaitGroup
				received.Add(*subscribers)
				m := message{time.Now(), &received}
				for _, inbox := range inboxes {
					inbox <- m
				}
				received.Wait()
			}
			for _, inbox := range inboxes {
				close(inbox)
			}
			close(published)
		}()
		<-published
		exited.Wait()
		return []float64{micros(latency.percentile(50)), micros(latency.percentile(95)),
			micros(latency.percentile(99))}
	})
}
