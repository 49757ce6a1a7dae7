// skynet: the well-known benchmark (github.com/atemerev/skynet), as its Go program: a 10-ary
// tree of goroutines, n leaves (1,000,000: 6 levels), each parent summing what its children send
// on an unbuffered channel of its own. Prints the time of one tree in ms; a wrong sum exits 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func skynet(c chan int64, num int64, size int64, div int64) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int64)
	var sum int64
	for i := int64(0); i < div; i++ {
		subNum := num + i*(size/div)
		go skynet(rc, subNum, size/div, div)
	}
	for i := int64(0); i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func main() {
	n := flag.Int64("n", 1000000, "leaves, a power of 10")
	flag.Parse()
	measure([]string{"time"}, func() []float64 {
		c := make(chan int64)
		start := time.Now()
		go skynet(c, 0, *n, 10)
		sum := <-c
		elapsed := time.Since(start)
		if want := *n * (*n - 1) / 2; sum != want {
			fmt.Fprintf(os.Stderr, "skynet sum %d, expected %d\n", sum, want)
			os.Exit(1)
		}
		return []float64{float64(elapsed) / 1e6}
	})
}
