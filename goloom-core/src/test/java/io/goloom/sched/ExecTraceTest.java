package io.goloom.sched;

import io.goloom.Go;
import io.goloom.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tracing off records nothing: no M ever gets a trace buffer until a trace starts. */
class ExecTraceTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(20)
    void tracingOffRecordsNothing() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("exectrace-off").procs(2).build()) {
            ConcurrentHashMap<M, ExecTrace.Buf> seen = new ConcurrentHashMap<>();
            Runnable look = () -> {
                M m = (M) VirtualThreads.JDK.currentCarrierThread();
                ExecTrace.Buf b = m.traceBuf;   // read on m's carrier, as the owner-only field requires
                seen.put(m, b != null ? b : NONE);
            };
            pingPong(rt, look);
            assertFalse(seen.isEmpty());
            seen.forEach((m, b) -> assertTrue(b == NONE, () -> m.getName() + " has a trace buffer with tracing off"));

            rt.startTrace(dir.resolve("on.json"));
            seen.clear();
            pingPong(rt, look);
            long events = rt.stopTrace().events();
            assertTrue(events > 0, "a trace records");
            seen.forEach((m, b) -> assertTrue(b != NONE, () -> m.getName() + " recorded nothing while tracing"));
        }
    }

    /** Stands for "no buffer" in the map, which takes no null values. */
    private static final ExecTrace.Buf NONE = new ExecTrace.Buf(new ExecTrace(Path.of("none"), 1), -1);

    private static void pingPong(GoRuntime rt, Runnable look) throws Exception {
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        var a = rt.go(() -> {
            try {
                for (int i = 0; i < 500; i++) {
                    q.put(i);
                }
                look.run();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        var b = rt.go(() -> {
            try {
                for (int i = 0; i < 500; i++) {
                    assertEquals(i, q.take());
                }
                Go.yield();
                look.run();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        a.join();
        b.join();
    }
}
