package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedTransferQueue;

/**
 * ltq-pingpong: {@link SyncQueuePingPong} over two {@link LinkedTransferQueue}s, one goroutine
 * handing the ball over with {@link LinkedTransferQueue#transfer} (which waits until the other
 * has taken it) and taking it back with {@link LinkedTransferQueue#take}, the other doing the
 * mirror image. {@code LinkedTransferQueue} shares {@code SynchronousQueue}'s implementation
 * since JDK 21 and so its spin-then-park policy, which looks at whether the carrier is a
 * {@code ForkJoinWorkerThread}; an unmodified program's hand-offs often go through one of the
 * two. Go's analogue is a ping-pong over an unbuffered channel.
 */
public final class LtqPingPong implements Workload {

    private static final Object BALL = new Object();

    private final int roundTrips;

    /** Times {@code roundTrips} exchanges per round. */
    public LtqPingPong(int roundTrips) {
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return "ltq-pingpong";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("round trip", "ns", Target.atMost(1.0)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        LinkedTransferQueue<Object> there = new LinkedTransferQueue<>();
        LinkedTransferQueue<Object> back = new LinkedTransferQueue<>();
        Round.Task<Void> pong = round.<Void>task(() -> {
            for (int i = 0; i < roundTrips; i++) {
                back.transfer(there.take());
            }
            return null;
        }).start();
        long elapsed = round.call(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                there.transfer(BALL);
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
