package io.goloom.sched;

import io.goloom.Go;
import io.goloom.GoHandle;
import io.goloom.GoRuntime;
import io.goloom.ProcStats;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The G record: its size (every byte is paid a million times) and what its packed fields mean. */
class GoroutineRecordTest {

    /**
     * A parked virtual thread costs the JDK ~820 bytes; goloom's per-goroutine heap must stay
     * within 1.1x of that (issue #7), and later features add fields. 72 bytes is the budget
     * today: 64 until the creator's id (issue #6's goroutine dump).
     */
    @Test
    void gRecordFitsItsBudget() {
        ClassLayout layout = ClassLayout.parseClass(G.class);
        assertTrue(layout.instanceSize() <= 72, () -> "G grew past 72 bytes:\n" + layout.toPrintable());
    }

    /** The thread is not stored: it is found through the continuation, and must be the same one. */
    @Test
    void threadIsReachedThroughTheContinuation() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().procs(1).build()) {
            Thread[] inside = new Thread[1];
            GoHandle h = rt.go("named", () -> inside[0] = Thread.currentThread());
            assertTrue(h.join(Duration.ofSeconds(30)));
            assertSame(inside[0], h.thread());
            assertEquals("named", h.name());
        }
    }

    /**
     * One run in 8 of a goroutine is timed, chosen by the run generation: a goroutine that yields
     * 64 times runs 65 times (generations 1..65), so exactly 8 runs (8, 16, ..., 64) are sampled.
     */
    @Test
    void schedulingLatencyIsSampledOneRunInEight() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().procs(1).build()) {
            GoHandle h = rt.go(() -> {
                for (int i = 0; i < 64; i++) {
                    Go.yield();
                }
            });
            assertTrue(h.join(Duration.ofSeconds(30)));
            ProcStats p0 = rt.procStats().getFirst();
            assertEquals(65, p0.goroutinesRun(), p0::toString);
            assertEquals(8, p0.latencySamples(), p0::toString);
            assertTrue(p0.latencyNanos() > 0, p0::toString);
        }
    }
}
