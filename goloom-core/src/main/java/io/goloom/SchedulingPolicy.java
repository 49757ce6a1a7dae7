package io.goloom;

import java.time.Duration;
import java.util.Objects;

/**
 * How a runtime shares its Ps between goroutines: the decisions that differ between policies.
 * Pick one with {@code GoRuntime.builder().policy(...)}, or swap it under load with
 * {@link GoRuntime#setPolicy}:
 *
 * <pre>{@code
 * try (GoRuntime rt = GoRuntime.builder().policy(SchedulingPolicy.fair()).build()) {
 *     rt.go(() -> serveRequests());
 *     rt.go(() -> { while (true) { crunch(); Go.checkpoint(); } });   // a CPU hog
 * }
 * }</pre>
 *
 * <table>
 *   <caption>What each policy decides</caption>
 *   <tr><th>decision</th><th>{@link #go()} (the default)</th><th>{@link #fair()}</th></tr>
 *   <tr><td>time slice</td><td>{@code preemptAfter} (10 ms)</td>
 *       <td>{@code preemptAfter}, or {@link FairPolicy#slice()} (1 ms) while other work waits for the P</td></tr>
 *   <tr><td>where a preempted goroutine goes</td><td>the global queue's tail, which the P then
 *       looks at first (Go's {@code gopreempt_m})</td>
 *       <td>the bulk lane, behind all other runnable work</td></tr>
 *   <tr><td>what the schedule loop looks at first</td><td>timers, the CRITICAL and HIGH lanes
 *       ({@link Priority}), the global queue every 61st tick, runnext, the local queue, the
 *       global queue, stealing</td>
 *       <td>the same, then the bulk lane; the bulk lane first when it has waited
 *       {@link FairPolicy#bulkTurn()} (50 ms) for a turn</td></tr>
 *   <tr><td>stealing</td><td colspan="2">Go's, the same for both: half a victim's queue, in random order</td></tr>
 * </table>
 *
 * <p><b>When to use {@link #fair()}:</b> a service whose short goroutines (requests, messages)
 * share the runtime with CPU-bound ones that call {@link Go#checkpoint()}. Under {@link #go()}
 * a request goroutine readied from outside queues behind every preempted hog at the global
 * queue and waits a 10 ms slice per hog ahead of it; under {@link #fair()} it waits for at most
 * one short slice. What it costs: sysmon looks at the Ps every {@code slice / 4} while bulk work
 * exists (a 250 us round instead of 2.5 ms), and a goroutine that computes for more than a slice
 * while others wait gives its P up that often. Hogs keep a bounded share: the bulk lane gets a
 * turn of a slice on one P at least every {@link FairPolicy#bulkTurn()}, so while short work
 * saturates the Ps the hogs still get at least {@code slice / (slice + bulkTurn)} of one P's time
 * (2% by default), and all the rest otherwise. {@link Priority#BULK} goroutines share that lane.
 *
 * <p>Goroutines that never call {@code Go.checkpoint()} cannot be preempted by any policy; sysmon
 * hands their P to another carrier after {@code retakeAfter}, as under both policies.
 */
public sealed interface SchedulingPolicy permits SchedulingPolicy.GoPolicy, SchedulingPolicy.FairPolicy {

    /** Go's scheduler, goloom's default. */
    static SchedulingPolicy go() {
        return GoPolicy.INSTANCE;
    }

    /** The fair policy with its defaults: a 1 ms slice while others wait, a bulk turn every 50 ms. */
    static SchedulingPolicy fair() {
        return FairPolicy.DEFAULT;
    }

    /**
     * The fair policy with a {@code slice} (accepted: 100 us to 1 s) and a {@code bulkTurn}
     * (accepted: 1 ms to 10 s).
     *
     * @throws IllegalArgumentException naming the value out of range, and the range
     */
    static SchedulingPolicy fair(Duration slice, Duration bulkTurn) {
        return new FairPolicy(slice, bulkTurn);
    }

    /** The policy's name as schedtrace and metrics show it: {@code go} or {@code fair}. */
    String name();

    /** Go's scheduler: see the table in {@link SchedulingPolicy}. */
    final class GoPolicy implements SchedulingPolicy {
        static final GoPolicy INSTANCE = new GoPolicy();

        private GoPolicy() {
        }

        @Override
        public String name() {
            return "go";
        }

        @Override
        public String toString() {
            return "SchedulingPolicy.go()";
        }
    }

    /** Short runs first, preempted runs in a bulk lane with a bounded wait: see the table in {@link SchedulingPolicy}. */
    final class FairPolicy implements SchedulingPolicy {
        /** Bounds of {@link #slice()}. */
        public static final Duration MIN_SLICE = Duration.ofNanos(100_000), MAX_SLICE = Duration.ofSeconds(1);
        /** Bounds of {@link #bulkTurn()}. */
        public static final Duration MIN_BULK_TURN = Duration.ofMillis(1), MAX_BULK_TURN = Duration.ofSeconds(10);
        /** {@link SchedulingPolicy#fair()}'s values. */
        public static final Duration DEFAULT_SLICE = Duration.ofMillis(1), DEFAULT_BULK_TURN = Duration.ofMillis(50);
        static final FairPolicy DEFAULT = new FairPolicy(DEFAULT_SLICE, DEFAULT_BULK_TURN);

        private final Duration slice, bulkTurn;
        private final long sliceNanos, bulkTurnNanos;

        private FairPolicy(Duration slice, Duration bulkTurn) {
            this.slice = inRange("slice", slice, MIN_SLICE, MAX_SLICE);
            this.bulkTurn = inRange("bulkTurn", bulkTurn, MIN_BULK_TURN, MAX_BULK_TURN);
            this.sliceNanos = slice.toNanos();
            this.bulkTurnNanos = bulkTurn.toNanos();
        }

        private static Duration inRange(String what, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, what);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException("SchedulingPolicy.fair: " + what + " must be in [" + min + ", "
                        + max + "], was " + d);
            }
            return d;
        }

        /** How long a goroutine may run while other work waits for its P before sysmon asks it to yield. */
        public Duration slice() {
            return slice;
        }

        /** The longest the bulk lane waits for a turn (a slice on one P) while it has goroutines. */
        public Duration bulkTurn() {
            return bulkTurn;
        }

        /** {@link #slice()} in nanoseconds, for the scheduler's hot paths. */
        public long sliceNanos() {
            return sliceNanos;
        }

        /** {@link #bulkTurn()} in nanoseconds, for the scheduler's hot paths. */
        public long bulkTurnNanos() {
            return bulkTurnNanos;
        }

        @Override
        public String name() {
            return "fair";
        }

        @Override
        public String toString() {
            return "SchedulingPolicy.fair(" + slice + ", " + bulkTurn + ")";
        }
    }
}
