// select: the Go reference for SelectBenchmark, run by hand (not a harness row):
//   cd goloom-bench/src/main/go/select && GOMAXPROCS=2 go run main.go
// A select over 4 channels (a producer sends item i on channel i%4, so one case is ready)
// against a single receive from channel i%4, interleaved, medians of 11; capacity 0 and 64.
package main

import (
	"fmt"
	"sort"
	"time"
)

const items = 200000

func run(capacity int, useSelect bool) float64 {
	var chans [4]chan int
	for i := range chans {
		chans[i] = make(chan int, capacity)
	}
	go func() {
		for i := 0; i < items; i++ {
			chans[i%4] <- 1
		}
	}()
	start := time.Now()
	sum := 0
	for i := 0; i < items; i++ {
		if useSelect {
			select {
			case v := <-chans[0]:
				sum += v
			case v := <-chans[1]:
				sum += v
			case v := <-chans[2]:
				sum += v
			case v := <-chans[3]:
				sum += v
			}
		} else {
			sum += <-chans[i%4]
		}
	}
	if sum != items {
		panic("lost items")
	}
	return float64(time.Since(start).Nanoseconds()) / items
}

func main() {
	for _, capacity := range []int{0, 64} {
		var sel, recv []float64
		for r := 0; r < 11; r++ {
			sel = append(sel, run(capacity, true))
			recv = append(recv, run(capacity, false))
		}
		sort.Float64s(sel)
		sort.Float64s(recv)
		fmt.Printf("capacity %d: select %.1f ns, receive %.1f ns, ratio %.2f (medians of 11, interleaved)\n",
			capacity, sel[5], recv[5], sel[5]/recv[5])
	}
}
