package io.goloom.bench.workload;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * sleepers: {@code sleepers} (100,000) virtual threads, each calling {@code Thread.sleep(1)} in a
 * loop for {@code duration}, started from one goroutine as an unmodified program would start
 * them, so on goloom they are goroutines whose sleeps go through the JDK's timer threads. Six
 * times {@link Sleep16k}'s population: the measurement is sleep16k's own (its {@code run}, inside
 * one goroutine of the side), wake-up lateness p50/p99/p99.9 (time slept minus 1 ms, in us, from
 * one HdrHistogram) and wake-ups per second over all sleepers; the row's target is on lateness
 * p99. 100,000 sleepers asking for 1 ms each want 100 M wake-ups a second, so this measures how
 * the scheduler shares two cores among a population of timers far beyond saturation. Go's
 * analogue is the sleep16k program with 100,000 goroutines in {@code time.Sleep(time.Millisecond)}.
 */
public final class Sleepers implements Workload {

    private final Sleep16k measurement;

    /** Runs {@code sleepers} sleeping threads for {@code duration} per round. */
    public Sleepers(int sleepers, Duration duration) {
        this.measurement = new Sleep16k(false, sleepers, duration);
    }

    @Override
    public String name() {
        return "sleepers";
    }

    /** sleep16k's metrics, in its order; the target is on lateness p99. */
    @Override
    public List<Metric> metrics() {
        return List.of(Metric.of("lateness p50", "us"),
                new Metric("lateness p99", "us", Target.atMost(1.0)),
                Metric.of("lateness p999", "us"),
                Metric.of("wake-ups", "1/s"));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return round.call(() -> measurement.run(round));
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return measurement.goProgram();
    }
}
