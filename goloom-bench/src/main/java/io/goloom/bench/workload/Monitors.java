package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * monitors: contended {@code synchronized}. {@code threads} (200) virtual threads, started from
 * one goroutine, wait at a gate; once it opens, each makes its share of {@code acquisitions}
 * entries into {@value #LOCKS} monitors, thread {@code t}'s {@code i}-th entry taking monitor
 * {@code (t + i) % 4}, and in each critical section increments that monitor's plain counter and
 * steps a small generator (a few ns of work under the lock). The row is the time from the gate
 * to the last thread's end, divided by {@code acquisitions}. Since JDK 24 a virtual thread that
 * finds a monitor taken unmounts and is resubmitted to its scheduler when the monitor is
 * released (JEP 491), so with 50 threads per monitor almost every entry is a park and a wake-up
 * through the side's run queues. Each thread also counts its entries per monitor; at the end
 * every monitor's counter must equal the sum of those counts (a lost update throws). Go's
 * analogue is the monitors program: 200 goroutines, four {@code sync.Mutex}es, the same shape.
 */
public final class Monitors implements Workload {

    static final int LOCKS = 4;

    private final int threads;
    private final int acquisitions;

    /** {@code threads} threads share {@code acquisitions} monitor entries per round. */
    public Monitors(int threads, int acquisitions) {
        if (acquisitions % threads != 0) {
            throw new IllegalArgumentException(acquisitions + " acquisitions do not divide among " + threads + " threads");
        }
        this.threads = threads;
        this.acquisitions = acquisitions;
    }

    @Override
    public String name() {
        return "monitors";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("time per acquisition", "ns", Target.atMost(1.0)));
    }

    /** A monitor and what it guards; both fields are written only inside {@code synchronized (this)}. */
    private static final class Guarded {
        long count;
        long state = 1;
    }

    @Override
    public double[] run(Round round) throws Exception {
        ThreadFactory factory = round.side().threads();
        int each = acquisitions / threads;
        Guarded[] monitors = new Guarded[LOCKS];
        for (int k = 0; k < LOCKS; k++) {
            monitors[k] = new Guarded();
        }
        AtomicLongArray entered = new AtomicLongArray(LOCKS);
        long elapsed = round.call(() -> {
            CountDownLatch gate = new CountDownLatch(1);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int first = t;
                workers[t] = factory.newThread(() -> {
                    long[] mine = new long[LOCKS];
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        int k = (first + i) % LOCKS;
                        Guarded g = monitors[k];
                        synchronized (g) {
                            g.count++;
                            long s = g.state;
                            for (int j = 0; j < 4; j++) {
                                s = s * 6364136223846793005L + 1442695040888963407L;
                            }
                            g.state = s;
                        }
                        mine[k]++;
                    }
                    for (int k = 0; k < LOCKS; k++) {
                        entered.addAndGet(k, mine[k]);
                    }
                });
                workers[t].start();
            }
            long start = System.nanoTime();
            gate.countDown();
            round.join(workers);
            return System.nanoTime() - start;
        });
        long total = 0;
        for (int k = 0; k < LOCKS; k++) {
            long counted;
            synchronized (monitors[k]) {
                counted = monitors[k].count;
            }
            if (counted != entered.get(k)) {
                throw new IllegalStateException("monitor " + k + " counted " + counted + " entries, its threads made "
                        + entered.get(k) + ": a lost update");
            }
            total += counted;
        }
        if (total != acquisitions) {
            throw new IllegalStateException(total + " entries, expected " + acquisitions);
        }
        return new double[] {(double) elapsed / acquisitions};
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("monitors", List.of(
                "-threads", Integer.toString(threads), "-n", Integer.toString(acquisitions))));
    }
}
