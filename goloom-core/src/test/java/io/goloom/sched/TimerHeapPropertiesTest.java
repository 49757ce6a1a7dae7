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
 * times. After each run exactly the armings due by then have fired, each once, with its due
 * time; the rest are pending. Zombies are swept on the way (up to 600 operations).
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
        Scheduler sched = new Scheduler(null, new Config("heap-prop", 1, 256, 16, Duration.ofMillis(10),
                Duration.ofMillis(20), Duration.ofSeconds(60), Duration.ZERO, null, new PrintStream(OutputStream.nullOutputStream())));
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
                        clock += op.seconds();
                        int n = heap.run(base + clock * SECOND + SECOND / 2);
                        int expected = 0;
                        for (int i = 0; i < timers.length; i++) {
                            long due = dueAfter[i];
                            if (due != 0 && due <= clock) {
                                expected++;
                                long when = timers[i].pollTick();
                                assertTrue(when - (base + due * SECOND) >= 0 && when - (base + due * SECOND) < SECOND / 2,
                                        "timer " + i + " fired with due time " + (when - base) + " ns, armed for " + due + " s");
                                assertEquals(Long.MIN_VALUE, timers[i].pollTick(), "a second tick");
                                dueAfter[i] = 0;
                            }
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
