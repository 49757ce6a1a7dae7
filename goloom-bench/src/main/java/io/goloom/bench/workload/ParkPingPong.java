package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * park-pingpong: the cost of handing control from one goroutine to another and back, with
 * nothing but {@code LockSupport.park/unpark}. Two goroutines share a volatile counter; each
 * in turn bumps it, unparks the other and parks until the other has bumped it back. The
 * serving goroutine times {@code roundTrips} exchanges. This is the path every blocking
 * primitive ends in, and where goloom's {@code runnext} slot should pay off: the woken
 * goroutine runs next on the waker's P, with no carrier thread woken. Go's analogue is a
 * ping-pong over an unbuffered channel.
 */
public final class ParkPingPong implements Workload {

    private final int roundTrips;

    /** Times {@code roundTrips} exchanges per round. */
    public ParkPingPong(int roundTrips) {
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return "park-pingpong";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("round trip", "ns", Target.atMost(0.6)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        Rally rally = new Rally(roundTrips);
        Round.Task<Long> ping = round.task(rally::serve);
        Round.Task<Void> pong = round.task(rally::receive);
        rally.ping = ping.thread();
        rally.pong = pong.thread();
        pong.start();
        ping.start();
        long elapsed = ping.join();
        pong.join();
        return new double[] {(double) elapsed / roundTrips};
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("pingpong", List.of("-n", Integer.toString(roundTrips))));
    }

    /** The shared state of the two players: hit {@code 2i-1} is ping's, hit {@code 2i} pong's. */
    private static final class Rally {
        private final int roundTrips;
        private volatile long hits;
        // Set before either thread starts; Thread.start publishes them.
        private Thread ping;
        private Thread pong;

        Rally(int roundTrips) {
            this.roundTrips = roundTrips;
        }

        Long serve() {
            long start = System.nanoTime();
            for (long i = 1; i <= roundTrips; i++) {
                hits = 2 * i - 1;
                LockSupport.unpark(pong);
                awaitHit(2 * i);
            }
            return System.nanoTime() - start;
        }

        Void receive() {
            for (long i = 1; i <= roundTrips; i++) {
                awaitHit(2 * i - 1);
                hits = 2 * i;
                LockSupport.unpark(ping);
            }
            return null;
        }

        // park may return spuriously or on a stale permit: the counter is the truth.
        private void awaitHit(long hit) {
            while (hits != hit) {
                LockSupport.park(this);
            }
        }
    }
}
