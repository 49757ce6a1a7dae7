package io.goloom.bench.workload;

import io.goloom.bench.side.Side;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * priority: a goroutine woken every millisecond while NORMAL work saturates the Ps (issue 15's
 * {@code priority} row; anchor go#38860, 17 ms to 0.3 ms after Go's fix). The NORMAL work is
 * {@code 2 x procs} CPU hogs computing ~20 us chunks with {@code Go.checkpoint()} between them
 * and one park/unpark ping-pong pair. A platform thread plays the outside event (a packet, a
 * timer of another system): every millisecond it stamps a wake-up and unparks the goroutine,
 * which records how long it took to run. A wake-up that comes while the previous one is not yet
 * served is not stamped anew, so a goroutine that cannot run records one long wait, not a
 * missing sample.
 *
 * <p>Each round runs two phases of {@code phase} each, in an order that rotates: the woken
 * goroutine of the side's most urgent class ({@link Side#criticalThreads()}: goloom's
 * CRITICAL), and the same goroutine of the default class. On goloom the second is goloom's
 * default (Go's) scheduling; on the JDK both are the same, and the hogs, which never yield
 * there, keep every carrier: the goroutine waits until they stop (starved).
 *
 * <p>Targets, on goloom's own values: the CRITICAL wake-to-run p99 under 1 ms; at most 0.1x the
 * default class's p99 in the same round; NORMAL work done with the CRITICAL goroutine at least
 * 0.97x of that done with the default one (what priorities cost the rest): the hogs' chunks.
 * The pair's round trips are reported but not judged: one pair beside hogs runs at 10k-40k
 * round trips/s between consecutive phases of the same class (whether it keeps a P to itself
 * or shares one with hogs), too bimodal to rank anything.
 */
public final class PriorityWake implements Workload {

    /** Work between two checkpoints: ~20 us, as in cpuhog. */
    private static final int STEPS_PER_CHECK = 20_000;

    private final Duration phase;
    private final Rotation rotation = new Rotation();

    /** Each round runs two phases of {@code phase}. */
    public PriorityWake(Duration phase) {
        this.phase = phase;
    }

    @Override
    public String name() {
        return "priority";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("critical-wake-p99", "us", Target.valueAtMost(1_000)),
                Metric.of("default-class-wake-p99", "us"),
                new Metric("critical vs default class", "x", Target.valueAtMost(0.1), false),
                Metric.of("hog chunks", "1/s"),
                Metric.of("round trips", "1/s"),
                new Metric("normal-throughput", "x", Target.valueAtLeast(0.97), false));
    }

    @Override
    public double[] run(Round round) throws Exception {
        double[][] phases = new double[2][];
        Side side = round.side();
        rotation.run(List.of(
                () -> {
                    phases[0] = phase(round, side.criticalThreads());
                    return 0.0;
                },
                () -> {
                    phases[1] = phase(round, side.threads());
                    return 0.0;
                }));
        double[] critical = phases[0], normal = phases[1];
        return new double[] {critical[0], normal[0], critical[0] / normal[0], critical[1], critical[2],
                critical[1] / normal[1]};
    }

    /**
     * One phase with the woken goroutine made by {@code wokenThreads}: its wake-to-run p99 (us),
     * the hogs' chunks per second and the pair's round trips per second.
     */
    private double[] phase(Round round, ThreadFactory wokenThreads) throws Exception {
        return round.call(() -> {
            Side side = round.side();
            long start = System.nanoTime(), end = start + phase.toNanos();
            AtomicLong chunks = new AtomicLong(), trips = new AtomicLong();
            List<Round.Task<Void>> normal = new ArrayList<>();
            int hogs = 2 * Runtime.getRuntime().availableProcessors();
            AtomicLong sink = new AtomicLong();
            for (int i = 0; i < hogs; i++) {
                normal.add(round.<Void>task(() -> {
                    long x = 0;
                    while (System.nanoTime() < end) {
                        for (int k = 0; k < STEPS_PER_CHECK; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                        chunks.incrementAndGet();
                        side.checkpoint();
                    }
                    sink.addAndGet(x);
                    return null;
                }));
            }
            normal.addAll(pingPong(round, end, trips));
            Wakes wakes = new Wakes();
            Round.Task<Void> woken = round.task(wokenThreads, () -> {
                wakes.serve(() -> { });
                return null;
            });
            wakes.woken = woken.thread();
            for (Round.Task<Void> t : normal) {
                t.start();
            }
            woken.start();
            Thread ticker = wakes.startTicker("priority-ticker", end);
            for (Round.Task<Void> t : normal) {
                t.join();
            }
            ticker.join();
            woken.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new double[] {wakes.latency.getValueAtPercentile(99) / 1e3, chunks.get() / seconds, trips.get() / seconds};
        });
    }

    /** A park/unpark ping-pong pair until {@code end}, counting its round trips in {@code trips}. */
    private static List<Round.Task<Void>> pingPong(Round round, long end, AtomicLong trips) {
        Thread[] ends = new Thread[2];
        AtomicLong turn = new AtomicLong();
        List<Round.Task<Void>> pair = new ArrayList<>(2);
        for (int side = 0; side < 2; side++) {
            int me = side;
            pair.add(round.<Void>task(() -> {
                while (true) {
                    long t = turn.get();
                    if (t < 0) {
                        return null;
                    }
                    if ((t & 1) != me) {
                        LockSupport.park(ends);   // the counter is the truth: a spurious return loops
                        continue;
                    }
                    if (System.nanoTime() >= end) {
                        turn.set(-1);
                    } else {
                        turn.incrementAndGet();
                        if (me == 1) {
                            trips.incrementAndGet();
                        }
                    }
                    LockSupport.unpark(ends[1 - me]);
                }
            }));
            ends[me] = pair.get(me).thread();
        }
        return pair;
    }
}
