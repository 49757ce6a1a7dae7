package io.goloom.sched;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property tests of a P's {@link TimerHeap} and of {@link Timer}'s state machine against a
 * model: random arms, stops and resets of up to 40 timers (delays in whole seconds, so that
 * nothing is due until the test runs the heap with a clock of its own), then runs at increasing
 * times, one fire at a time. Each fire is of the earliest arming still pending, with its due
 * time, once; after each run exactly the armings due by then have fired and the rest are
 * pending. Entries go to the heap and to its in-order lane; zombies are swept on the way (up
 * to 600 operations).
 */
class TimerHeapPropertiesTest {

    private static final long SECOND = 1_000_000_000L;

    enum Kind { RESET, STOP, RUN }

    record Op(Kind kind, int timer, int seconds) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequency(Tuple.of(6, Kind.RESET), Tuple.of(3, Kind.STOP),
                        Tuple.of(1, Kind.RUN)),
                Arbitraries.integers().between(0, 39),
                Arbitraries.integers().between(1, 1_000)).as(Op::new);
        return op.list().ofMaxSize(600);
    }

    @Property(tries = 200)
    void firesExactlyTheArmingsDueByEachRun(@ForAll("ops") List<Op> ops) {
        Scheduler sched = new Scheduler(new Config("heap-prop", 1, 256, 16, Duration.ofMillis(10),
                Duration.ofMillis(20), Duration.ofSeconds(60), Duration.ZERO, null, new PrintStream(OutputStream.nullOutputStream()), 0),
                "heap-prop");
        try {
            TimerHeap heap = sched.allp[0].timers;
            Timer[] timers = new Timer[40];
            long[] dueAfter = new long[40];      // model: seconds after base of the pending arming, 0 = none
            for (int i = 0; i < timers.length; i++) {
                timers[i] = Timer.signal(sched, 0);
            }
            long base = System.nanoTime();
            long clock = 0;                       // seconds after base the heap has been run to
            long fired = 0;
            for (Op op : ops) {
                Timer t = timers[op.timer()];
                switch (op.kind()) {
                    case RESET -> {
                        // delays count from the model clock, so they are due after it
                        long delay = (clock + op.seconds()) * SECOND - (System.nanoTime() - base);
                        boolean replaced = t.reset(delay, 0);
                        assertEquals(dueAfter[op.timer()] != 0, replaced, "reset's result");
                        dueAfter[op.timer()] = clock + op.seconds();
                        t.pollTick();   // dropped by reset anyway
                    }
                    case STOP -> {
                        assertEquals(dueAfter[op.timer()] != 0, t.stop(), "stop's result");
                        dueAfter[op.timer()] = 0;
                    }
                    case RUN -> {
                        // one fire at a time: each must be the earliest arming still pending
                        clock += op.seconds();
                        long now = base + clock * SECOND + SECOND / 2;
                        int expected = 0;
                        for (long d : dueAfter) {
                            expected += d != 0 && d <= clock ? 1 : 0;
                        }
                        int n = 0;
                        while (heap.run(now, 1) == 1) {
                            n++;
                            long earliest = Long.MAX_VALUE;
                            int which = -1;
                            for (int i = 0; i < timers.length; i++) {
                                if (dueAfter[i] != 0) {
                                    earliest = Math.min(earliest, dueAfter[i]);
                                    if (!timers[i].isArmed()) {
                                        assertEquals(-1, which, "two timers fired in one step");
                                        which = i;
                                    }
                                }
                            }
                            assertTrue(which >= 0, "a fire of no pending timer");
                            assertEquals(earliest, dueAfter[which], "timer " + which + " fired before an earlier one");
                            long when = timers[which].pollTick();
                            long due = base + dueAfter[which] * SECOND;
                            assertTrue(when - due >= 0 && when - due < SECOND / 2,
                                    "timer " + which + " fired with due time " + (when - base) + " ns, armed for "
                                            + dueAfter[which] + " s");
                            assertEquals(Long.MIN_VALUE, timers[which].pollTick(), "a second tick");
                            dueAfter[which] = 0;
                        }
                        for (int i = 0; i < timers.length; i++) {
                            assertEquals(dueAfter[i] != 0, timers[i].isArmed(), "timer " + i + " pending");
                        }
                        assertEquals(expected, n, "fires of this run");
                        fired += n;
                    }
                }
            }
            assertEquals(fired, heap.fired());
            int pending = 0;
            for (long d : dueAfter) {
                pending += d != 0 ? 1 : 0;
            }
            assertTrue(heap.size() >= pending && heap.size() <= Math.max(64, 2 * pending + 64),
                    "heap of " + heap.size() + " entries for " + pending + " pending timers");
            for (Timer t : timers) {
                t.stop();   // so that no after-close timer thread starts for them
            }
        } finally {
            sched.shutdown(Duration.ZERO);
        }
    }
}
