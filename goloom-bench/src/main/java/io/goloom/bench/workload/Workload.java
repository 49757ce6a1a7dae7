package io.goloom.bench.workload;

import java.util.List;
import java.time.Duration;
import java.util.Optional;

/**
 * One measured scenario, written once and run on every {@link io.goloom.bench.side.Side}.
 *
 * <p>Implementations hold their sizes (set at construction) and no state between rounds (but a
 * {@link Rotation} of which implementation goes first): each {@link #run(Round)} builds what it
 * needs, measures, waits for all its threads and returns.
 */
public interface Workload {

    /** The name users type after {@code --only} and read in the table. */
    String name();

    /** The rows this workload fills, in table order. */
    List<Metric> metrics();

    /**
     * Runs one round on {@code round.side()}.
     *
     * @return one value per metric, in {@link #metrics()} order
     * @throws java.util.concurrent.TimeoutException if the round's deadline passed
     */
    double[] run(Round round) throws Exception;

    /** The Go program measuring the same thing, printing the same metric names, if there is one. */
    default Optional<GoProgram> goProgram() {
        return Optional.empty();
    }

    /**
     * False for a workload that does not use the side's scheduler at all (the continuation
     * floor): it is run once per round and reported in the goloom column only.
     */
    default boolean usesScheduler() {
        return true;
    }

    /**
     * True for a workload measured in one round per side, without warm-up: a soak, which
     * measures drift within its one long round, or a measurement made in a fresh JVM, which
     * has nothing to warm and would only repeat itself.
     */
    default boolean singleRound() {
        return false;
    }

    /** How long one round may take, given the run's {@code --round-timeout}: longer for a soak. */
    default Duration roundTimeout(Duration planned) {
        return planned;
    }
}
