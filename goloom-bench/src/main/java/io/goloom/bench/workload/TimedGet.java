package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * timed-get: a round trip between two virtual threads through {@link CompletableFuture}s, each
 * waited for with {@link CompletableFuture#get(long, TimeUnit) get(1, SECONDS)}, the way a
 * service waits for a reply with a deadline. Each hop creates a new future, completes the one the
 * other thread is waiting on with it, and waits on its own: so a round trip is two completions,
 * two timed parks (each arming and cancelling a timer of the JDK's timer threads, as a virtual
 * thread's {@code parkNanos} does) and two wake-ups through the side's scheduler. A get that
 * times out fails the round. Go's analogue is the timedget program: the same hops over one-slot
 * channels, each receive in a {@code select} with a one-second {@code time.Timer}, stopped after.
 */
public final class TimedGet implements Workload {

    private static final long TIMEOUT_SECONDS = 1;

    private final int roundTrips;

    /** Times {@code roundTrips} exchanges per round. */
    public TimedGet(int roundTrips) {
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return "timed-get";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("round trip", "ns", Target.atMost(1.0)));
    }

    /** A future completed with the future its waiter completes next. */
    private static final class Hop extends CompletableFuture<Hop> {
    }

    /** Completes {@code theirs} with a new future and waits, with a deadline, for this side's. */
    private static Hop hop(Hop theirs) throws Exception {
        Hop mine = new Hop();
        theirs.complete(mine);
        return mine.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public double[] run(Round round) throws Exception {
        Hop first = new Hop();
        Round.Task<Void> pong = round.<Void>task(() -> {
            Hop theirs = first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (int i = 1; i < roundTrips; i++) {
                theirs = hop(theirs);
            }
            theirs.complete(new Hop()); // the last reply; nobody waits on what it carries
            return null;
        }).start();
        long elapsed = round.call(() -> {
            long start = System.nanoTime();
            Hop theirs = first;
            for (int i = 0; i < roundTrips; i++) {
                theirs = hop(theirs);
            }
            return System.nanoTime() - start;
        });
        pong.join();
        return new double[] {(double) elapsed / roundTrips};
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("timedget", List.of("-n", Integer.toString(roundTrips))));
    }
}
