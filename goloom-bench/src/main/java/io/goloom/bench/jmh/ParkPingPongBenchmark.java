package io.goloom.bench.jmh;

import io.goloom.bench.workload.ParkPingPong;
import io.goloom.bench.workload.Round;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * Park/unpark round trip between two goroutines: the {@link ParkPingPong} workload, one batch of
 * {@value #ROUND_TRIPS} round trips per invocation (starting the pair is amortised over them).
 */
public class ParkPingPongBenchmark extends OnSide {

    private static final int ROUND_TRIPS = 10_000;

    private final ParkPingPong pingPong = new ParkPingPong(ROUND_TRIPS);

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public double roundTrip() throws Exception {
        return pingPong.run(new Round(sched, TIMEOUT))[0];
    }
}
