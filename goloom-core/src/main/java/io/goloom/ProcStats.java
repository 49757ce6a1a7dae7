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
 */
public record ProcStats(int id, long runnextHits, long localPops, long globalGrabs,
                        long stealsIn, long stealsOut, long goroutinesRun, int runQueueLength) {
}
