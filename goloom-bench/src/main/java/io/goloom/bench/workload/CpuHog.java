package io.goloom.bench.workload;

import io.goloom.bench.side.Side;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * cpuhog: fairness under CPU hogs. {@code 2 x procs} goroutines compute in a loop for
 * {@code duration} while one more sleeps 1 ms in a loop; the sleeper's lateness (time slept
 * minus 1 ms) shows how long a runnable goroutine waits behind the hogs. On the JDK's scheduler
 * the hogs keep every carrier until they finish, so the sleeper does not run at all while they
 * compute ("starved": its one sleep lasts the whole round). On goloom, sysmon asks a hog to
 * yield after {@code preemptAfter} (10 ms); with checkpoints the hog gives way at its next
 * {@code Go.checkpoint()}. Without them, sysmon hands the hog's P to another carrier after
 * {@code retakeAfter} (20 ms): the hogs end up with a carrier each and the operating system
 * time-slices them, so the round also reports the most carriers the side had at once.
 *
 * <p>Targets (absolute, on goloom's own p99, since the JDK starves): 12 ms with checkpoints,
 * 25 ms without. Go 1.19 (async preemption) measured p50 19 ms, p99 39 ms here.
 */
public final class CpuHog implements Workload {

    private static final long ONE_MS = 1_000_000, SAMPLE_NANOS = 50_000_000;
    /** Work between two checkpoints: ~20 us, so the hog reaches one soon after it is asked. */
    private static final int STEPS_PER_CHECK = 20_000;

    private final boolean checkpoints;
    private final Duration duration;

    /** Hogs compute for {@code duration}, calling {@code Go.checkpoint()} between steps if {@code checkpoints}. */
    public CpuHog(boolean checkpoints, Duration duration) {
        this.checkpoints = checkpoints;
        this.duration = duration;
    }

    @Override
    public String name() {
        return checkpoints ? "cpuhog-checkpoint" : "cpuhog";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.of("sleeps", "count"), Metric.of("lateness p50", "ms"),
                new Metric("lateness p99", "ms", Target.valueAtMost(checkpoints ? 12 : 25)),
                Metric.of("lateness max", "ms"), Metric.absolute("carriers peak", "threads"));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return round.call(() -> {
            Side side = round.side();
            long end = System.nanoTime() + duration.toNanos();
            Histogram lateness = new Histogram(3);
            long[] sleeps = new long[1];
            Round.Task<Void> sleeper = round.<Void>task(() -> {
                for (long before = System.nanoTime(); before < end; before = System.nanoTime()) {
                    Thread.sleep(1);
                    lateness.recordValue(Math.max(0, System.nanoTime() - before - ONE_MS));
                    sleeps[0]++;
                }
                return null;
            }).start();
            AtomicLong sink = new AtomicLong();
            int hogs = 2 * Runtime.getRuntime().availableProcessors();
            List<Round.Task<Void>> hogging = new ArrayList<>(hogs);
            for (int i = 0; i < hogs; i++) {
                hogging.add(round.<Void>task(() -> {
                    long x = 0;
                    while (System.nanoTime() < end) {
                        for (int k = 0; k < STEPS_PER_CHECK; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                        if (checkpoints) {
                            side.checkpoint();
                        }
                    }
                    sink.addAndGet(x);
                    return null;
                }).start());
            }
            // Sampled from a platform thread: a second goroutine sleeping on the side would
            // change what is measured (docs/PERFORMANCE.md, "a second sleeper").
            int[] carriersPeak = {side.carriers()};
            Thread sampler = Thread.ofPlatform().name("cpuhog-sampler").start(() -> {
                while (System.nanoTime() < end) {
                    LockSupport.parkNanos(SAMPLE_NANOS);   // a sampling period, not a wait for a result
                    carriersPeak[0] = Math.max(carriersPeak[0], side.carriers());
                }
            });
            sleeper.join();
            for (Round.Task<Void> h : hogging) {
                h.join();
            }
            sampler.join();
            return new double[] {sleeps[0], lateness.getValueAtPercentile(50) / 1e6,
                    lateness.getValueAtPercentile(99) / 1e6, lateness.getMaxValue() / 1e6, carriersPeak[0]};
        });
    }
}
