package io.goloom.bench.workload;

import io.goloom.bench.side.Side;
import org.HdrHistogram.ConcurrentHistogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * sleep16k and wakeup16k: timer wake-ups under load. {@code sleepers} goroutines each sleep
 * 1 ms in a loop for {@code duration}; every wake-up records its lateness (time actually slept
 * minus 1 ms) in one HdrHistogram. The round reports lateness p50, p99 and p99.9, and wake-ups
 * per second over all sleepers. 16,384 sleepers asking for 1 ms each want 16 M wake-ups a
 * second, far more than two cores deliver, so this measures how a scheduler's timers and run
 * queues hold up when saturated, and how evenly they share the wake-ups. Go's analogue calls
 * {@code time.Sleep(time.Millisecond)}, for both rows.
 *
 * <p>sleep16k calls {@code Thread.sleep(1)} on both sides: under goloom too the sleep goes
 * through the JDK's timer threads, so the row measures goloom running the JDK's timer path.
 * wakeup16k sleeps through {@link Side#sleep}: goloom's per-P timers ({@code Go.sleep})
 * against the JDK's {@code Thread.sleep}. Its targets (issue #4): wake-ups/s at least 1.5x
 * the JDK's, lateness p99 at most 0.25x.
 */
public final class Sleep16k implements Workload {

    private static final long ONE_MS = 1_000_000;
    private static final Duration ONE_MS_DURATION = Duration.ofNanos(ONE_MS);

    private final boolean sideSleep;
    private final int sleepers;
    private final Duration duration;

    /**
     * Runs {@code sleepers} sleeping goroutines for {@code duration} per round, sleeping through
     * {@link Side#sleep} if {@code sideSleep} (wakeup16k), else through {@code Thread.sleep} (sleep16k).
     */
    public Sleep16k(boolean sideSleep, int sleepers, Duration duration) {
        this.sideSleep = sideSleep;
        this.sleepers = sleepers;
        this.duration = duration;
    }

    @Override
    public String name() {
        return sideSleep ? "wakeup16k" : "sleep16k";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.of("lateness p50", "us"),
                new Metric("lateness p99", "us", sideSleep ? Target.atMost(0.25) : Target.atMost(1.2)),
                Metric.of("lateness p999", "us"),
                sideSleep ? new Metric("wake-ups", "1/s", Target.atLeast(1.5)) : Metric.of("wake-ups", "1/s"));
    }

    @Override
    public double[] run(Round round) throws Exception {
        Side side = round.side();
        ConcurrentHistogram lateness = new ConcurrentHistogram(3);
        LongAdder wakeUps = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Round.Task<Void>> sleeping = new ArrayList<>(sleepers);
        for (int i = 0; i < sleepers; i++) {
            sleeping.add(round.<Void>task(() -> {
                long count = 0;
                for (long before = System.nanoTime(); before < end; before = System.nanoTime()) {
                    if (sideSleep) {
                        side.sleep(ONE_MS_DURATION);
                    } else {
                        Thread.sleep(1);
                    }
                    lateness.recordValue(Math.max(0, System.nanoTime() - before - ONE_MS));
                    count++;
                }
                wakeUps.add(count);
                return null;
            }).start());
        }
        for (Round.Task<Void> s : sleeping) {
            s.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {micros(lateness, 50), micros(lateness, 99), micros(lateness, 99.9),
                wakeUps.sum() / seconds};
    }

    private static double micros(ConcurrentHistogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }

    /** The sleep16k program for both rows: Go has one sleep, its per-P timers; the harness runs it once. */
    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("sleep16k", List.of(
                "-sleepers", Integer.toString(sleepers), "-duration", duration.toMillis() + "ms")));
    }
}
