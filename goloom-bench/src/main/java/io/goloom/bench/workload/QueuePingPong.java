package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TransferQueue;

/**
 * A round trip between two goroutines over two hand-off queues of {@code java.util.concurrent}:
 * one goroutine hands a ball over through the first queue and takes it back from the second,
 * the other does the mirror image. Each hand-off waits until the other side has taken the
 * ball, as on Go's unbuffered channel (Go's analogue: a ping-pong over one).
 *
 * <ul>
 *   <li>{@code syncq-pingpong}: {@link SynchronousQueue#put}, the closest relative of an
 *       unbuffered channel;
 *   <li>{@code ltq-pingpong}: {@link LinkedTransferQueue#transfer}, which shares
 *       {@code SynchronousQueue}'s implementation since JDK 21; an unmodified program's
 *       hand-offs often go through one of the two.
 * </ul>
 * Both spin briefly before parking, and the spin looks at whether the carrier is a
 * {@code ForkJoinWorkerThread}: this measures the scheduler's wake-up path mixed with two
 * threads spinning on two carriers.
 */
public final class QueuePingPong implements Workload {

    /** The queue a row hands the ball over with. */
    public enum Kind {
        /** {@code syncq-pingpong}. */
        SYNCHRONOUS_QUEUE("syncq-pingpong"),
        /** {@code ltq-pingpong}. */
        LINKED_TRANSFER_QUEUE("ltq-pingpong");

        private final String row;

        Kind(String row) {
            this.row = row;
        }

        private BlockingQueue<Object> newQueue() {
            return this == SYNCHRONOUS_QUEUE ? new SynchronousQueue<>() : new LinkedTransferQueue<>();
        }
    }

    private static final Object BALL = new Object();

    private final Kind kind;
    private final int roundTrips;

    /** Times {@code roundTrips} exchanges per round over two queues of {@code kind}. */
    public QueuePingPong(Kind kind, int roundTrips) {
        this.kind = kind;
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return kind.row;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("round trip", "ns", Target.atMost(1.0)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        BlockingQueue<Object> there = kind.newQueue();
        BlockingQueue<Object> back = kind.newQueue();
        Round.Task<Void> pong = round.<Void>task(() -> {
            for (int i = 0; i < roundTrips; i++) {
                give(back, there.take());
            }
            return null;
        }).start();
        long elapsed = round.call(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                give(there, BALL);
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

    /** Returns once the other side took the ball. */
    private static void give(BlockingQueue<Object> q, Object ball) throws InterruptedException {
        if (q instanceof TransferQueue<Object> t) {
            t.transfer(ball);   // its put would not wait for a taker
        } else {
            q.put(ball);        // a SynchronousQueue's does
        }
    }
}
