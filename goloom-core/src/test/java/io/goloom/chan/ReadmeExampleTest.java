package io.goloom.chan;

import io.goloom.Go;
import io.goloom.GoRuntime;
import io.goloom.context.CancelContext;
import io.goloom.context.Context;
import io.goloom.context.ContextException;
import io.goloom.sync.ErrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's channel example, run as written (from a thread that is not a goroutine, as from
 * {@code main}): a producer, 8 workers, an ErrGroup with a context whose tasks are goroutines of
 * {@code rt} through {@code rt.threadFactory()}. goloom-metrics' ReadmeCodeTest compiles and runs
 * the README's copy; this one checks what it does.
 */
class ReadmeExampleTest {

    /** Runs the example over {@code source} on {@code rt}; a job equal to {@code failOn} throws. */
    private static Throwable example(GoRuntime rt, List<Integer> source, int failOn,
            ConcurrentLinkedQueue<Integer> ran) throws InterruptedException {
        try (CancelContext ctx = Context.background().withTimeout(Duration.ofSeconds(60))) {
            Chan<Integer> jobs = Chan.make(64);
            ErrGroup g = new ErrGroup(ctx, rt.threadFactory());
            g.go(() -> {
                try {
                    for (Integer j : source) {
                        Select s = new Select().send(jobs, j, null).recv(g.context().done(), null);
                        if (s.run() == 1) {
                            throw g.context().err();
                        }
                    }
                } finally {
                    jobs.close();
                }
            });
            for (int i = 0; i < 8; i++) {
                g.go(() -> {
                    for (Integer j : jobs) {
                        if (!Go.inGoroutine()) {
                            throw new AssertionError("a worker is not a goroutine: " + Thread.currentThread());
                        }
                        if (j == failOn) {
                            throw new IllegalStateException("job " + j + " failed");
                        }
                        ran.add(j);
                    }
                });
            }
            return g.await();
        }
    }

    @Test
    @Timeout(120)
    void everyJobRunsOnceAndAFailureStopsTheProducer() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("readme-example").build()) {
            assertFalse(Go.inGoroutine(), "the test thread plays main");
            List<Integer> source = IntStream.range(0, 10_000).boxed().toList();
            ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
            assertNull(example(rt, source, -1, ran));
            assertEquals(source, ran.stream().sorted().toList(), "each job ran exactly once, in a goroutine");

            // An endless source: only the failure (which cancels the context) ends it.
            List<Integer> endless = new java.util.AbstractList<>() {
                @Override public Integer get(int i) { return i; }
                @Override public int size() { return Integer.MAX_VALUE; }
            };
            Throwable first = example(rt, endless, 5_000, new ConcurrentLinkedQueue<>());
            assertTrue(first instanceof IllegalStateException, "first error: " + first);
            assertEquals("job 5000 failed", first.getMessage());
        }
    }

    @Test
    void theProducerSeesTheCancellationAsContextException() throws Exception {
        CancelContext ctx = Context.background().withCancel();
        Chan<Integer> full = Chan.make(0);
        ctx.cancel();
        Select s = new Select().send(full, 1, null).recv(ctx.done(), null);
        assertEquals(1, s.run());
        assertSame(ContextException.CANCELED, ctx.err());
    }
}
