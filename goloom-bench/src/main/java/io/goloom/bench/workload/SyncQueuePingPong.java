package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;

/**
 * syncq-pingpong: a round trip between two goroutines over two {@link SynchronousQueue}s, the
 * closest {@code java.util.concurrent} relative of Go's unbuffered channel. One goroutine puts
 * a ball into the first queue and takes it back from the second; the other does the mirror
 * image. {@code SynchronousQueue} spins briefly before parking, so this measures the
 * scheduler's wake-up path mixed with two threads spinning on two carriers. Go's analogue is a
 * ping-pong over an unbuffered channel.
 */
public final class SyncQueuePingPong implements Workload {

    private static final Object BALL = new Object();

    private final int roundTrips;

    /** Times {@code roundTrips} exchanges per round. */
    public SyncQueuePingPong(int roundTrips) {
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return "syncq-pingpong";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("round trip", "ns", Target.atMost(1.0)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        SynchronousQueue<Object> there = new SynchronousQueue<>();
        SynchronousQueue<Object> back = new SynchronousQueue<>();
        Round.Task<Void> pong = round.<Void>task(() -> {
            for (int i = 0; i < roundTrips; i++) {
                back.put(there.take());
            }
            return null;
        }).start();
        long elapsed = round.call(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                there.put(BALL);
                back.take();
            }
            return System.nanoTime() - start;
        });
        pong.join();
        return new double[] {(double) elapsed / roundTrips};
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("pingpong", List.of("-n", Integer.toString(roundTrips))));
    }
}
