package io.goloom;

/**
 * Counters of one P (a processor: the right to run goroutines), read without stopping it.
 *
 * @param id          the P's id, 0 to procs-1
 * @param runnextHits goroutines taken from the {@code runnext} slot
 * @param localPops   goroutines taken from the local run queue
 * @param globalGrabs goroutines taken from the global queue (batches count each goroutine)
 * @param stealsIn    goroutines this P stole from others
 * @param stealsOut   goroutines others stole from this P
 * @param goroutinesRun goroutine runs started on this P (one per mount of a continuation)
 * @param runQueueLength goroutines in the local run queue when read (runnext not included)
 * @param latencySamples runs on this P whose scheduling latency (from being readied to starting)
 *                    was measured: one run in 8 of each goroutine, as Go samples it, because
 *                    {@code System.nanoTime()} costs as much as the rest of a switch
 * @param latencyNanos the sum of those latencies; divided by {@code latencySamples}, the mean
 * @param preemptions goroutines on this P that yielded at {@code Go.checkpoint()} because
 *                    sysmon asked them to (they had run longer than {@code preemptAfter})
 * @param handoffs    times sysmon took this P from a carrier whose goroutine had run longer
 *                    than {@code retakeAfter} (blocked or computing) and gave it to another
 * @param timers      entries in this P's timer heap when read, stopped ones not yet swept included
 * @param timersFired timers ({@code Go.sleep}, {@code GoTimer}, {@code GoTicker} ticks) fired from this P's heap
 */
public record ProcStats(int id, long runnextHits, long localPops, long globalGrabs,
                        long stealsIn, long stealsOut, long goroutinesRun, int runQueueLength,
                        long latencySamples, long latencyNanos, long preemptions, long handoffs,
                        int timers, long timersFired) {
}
