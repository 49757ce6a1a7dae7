// Shared by every program of the Go column (copied next to each main.go before `go run`):
// the round loop, medians, and a latency histogram.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sort"
	"sync/atomic"
)

var (
	warmup = flag.Int("warmup", 1, "rounds run first and discarded")
	rounds = flag.Int("rounds", 3, "rounds measured; the median of each metric is printed")
)

// measure runs round warmup+rounds times and prints, for each metric, one line
// "name=value" with the median over the measured rounds: the format goloom-bench reads.
// Call it after flag.Parse.
func measure(names []string, round func() []float64) {
	samples := make([][]float64, len(names))
	for r := 0; r < *warmup+*rounds; r++ {
		runtime.GC() // start every round from the same heap, as the Java harness does
		values := round()
		if r >= *warmup {
			for i := range names {
				samples[i] = append(samples[i], values[i])
			}
		}
	}
	for i, name := range names {
		fmt.Printf("%s=%g\n", name, median(samples[i]))
	}
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// subBuckets per power of two: a percentile read back is within 1% of the recorded value.
const subBuckets = 128

// histogram counts non-negative int64 values in log-linear buckets, like HdrHistogram with
// two significant digits. record may be called from any number of goroutines at once.
type histogram struct {
	counts [64 * subBuckets]int64
}

func bucketOf(v int64) int {
	if v < subBuckets {
		if v < 0 {
			v = 0
		}
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - 8 // v>>shift lands in [128, 256)
	return (shift+1)*subBuckets + int(v>>uint(shift)) - subBuckets
}

func lowestIn(bucket int) int64 {
	if bucket < subBuckets {
		return int64(bucket)
	}
	shift := bucket/subBuckets - 1
	return int64(bucket%subBuckets+subBuckets) << uint(shift)
}

func (h *histogram) record(v int64) {
	atomic.AddInt64(&h.counts[bucketOf(v)], 1)
}

// percentile returns the value below which p percent of the recorded values fall.
// Read it only after every record has returned.
func (h *histogram) percentile(p float64) int64 {
	var total int64
	for _, c := range h.counts {
		total += c
	}
	rank := int64(math.Ceil(p / 100 * float64(total)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return lowestIn(i)
		}
	}
	return 0
}

// micros converts nanoseconds to microseconds.
func micros(ns int64) float64 {
	return float64(ns) / 1e3
}
