package io.goloom;

import io.goloom.trace.DebugSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code trace=FILE} in {@code -Dgoloom.debug} / {@code GOLOOM_DEBUG} (what {@code ./goloom
 * trace} sets): every runtime a program builds is traced, the first to FILE and later ones to
 * FILE with their name inserted, written at close or, for a runtime left open, at JVM exit.
 */
class DebugTraceTest {

    @TempDir
    Path dir;

    /** A fresh JVM runs DebugTraceMain: the closed runtime's and the open runtime's traces are both valid. */
    @Test
    @Timeout(60)
    void everyRuntimeOfAProgramIsTracedUntilCloseOrExit() throws Exception {
        Path file = dir.resolve("run.json");
        TestSupport.ChildRun r = TestSupport.runMain(DebugTraceMain.class, "-D" + DebugSettings.PROPERTY + "=trace=" + file);
        String text = r.output();
        assertEquals(0, r.exit(), text);
        assertTrue(text.contains(DebugTraceMain.OK), text);

        Path second = dir.resolve("run-second.json");
        assertTrue(text.contains("execution trace of runtime \"first\" written to " + file), text);
        assertTrue(text.contains("execution trace of runtime \"second\" written to " + second), text);
        // The closed runtime's trace is complete; the open one's was cut by the exit.
        for (Path f : List.of(file, second)) {
            TraceTest.Trace t = TraceTest.Trace.check(f, f.equals(file));
            assertEquals(2, t.count("GoCreate"), () -> f + ": one GoCreate per goroutine");
            assertEquals(2, t.slicesEnded("end"), () -> f + ": one run ending dead per goroutine");
            assertTrue(t.flows >= DebugTraceMain.ROUNDS, () -> f + ": flows " + t.flows);
            assertTrue(t.pSlices > 0 && t.mSlices > 0, () -> f + ": P and M tracks");
        }
    }

    /** A bad value fails build() naming it, and a second runtime of the same JVM gets a file of its own. */
    @Test
    @Timeout(30)
    void badValuesFailBuildAndRuntimesDoNotShareAFile() throws Exception {
        for (String bad : List.of("trace=", "trace=" + dir.resolve("missing/dir/t.json"))) {
            System.setProperty(DebugSettings.PROPERTY, bad);
            try {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> GoRuntime.builder().name(TestSupport.uniqueName("bad-trace")).procs(1).build());
                assertTrue(e.getMessage().startsWith("-Dgoloom.debug: trace")
                        && e.getMessage().contains("\"" + bad.substring("trace=".length())), e.getMessage());
            } finally {
                System.clearProperty(DebugSettings.PROPERTY);
            }
        }
        Path file = dir.resolve("two.json");
        System.setProperty(DebugSettings.PROPERTY, "trace=" + file);
        GoRuntime a, b;
        try {
            a = GoRuntime.builder().name("same").procs(1).shutdownTimeout(Duration.ofSeconds(1)).build();
            b = GoRuntime.builder().name("same").procs(1).shutdownTimeout(Duration.ofSeconds(1)).build();
        } finally {
            System.clearProperty(DebugSettings.PROPERTY);
        }
        try (a; b) {
            a.go(() -> { }).join();
            b.go(() -> { }).join();
        }
        for (Path f : List.of(file, dir.resolve("two-same.json"))) {
            assertEquals(1, TraceTest.Trace.check(f, true).count("GoCreate"), f::toString);
        }
    }
}
