package io.goloom.bench;

import io.goloom.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./goloom trace} on a program that traces itself, as in issue 13's trial: both traces are written. */
class TraceCommandTest {

    @TempDir
    Path tmp;

    /** Starts and stops a trace of its own on a runtime that {@code goloom.debug=trace} traces already. */
    public static final class SelfTracing {
        public static void main(String[] args) throws Exception {
            try (GoRuntime rt = GoRuntime.builder().procs(2).build()) {
                rt.go(() -> { }).join();
                rt.startTrace(Path.of(args[0]));
                rt.go(() -> { }).join();
                rt.stopTrace();
            }
        }
    }

    @Test
    @Timeout(120)
    void aProgramThatTracesItselfRunsAndBothTracesAreWritten() throws Exception {
        Path debug = tmp.resolve("debug.json"), own = tmp.resolve("own.json");
        int status = new CommandLine(new Main()).execute("trace", "--out", debug.toString(), "--cp", tmp.toString(),
                "--", SelfTracing.class.getName(), own.toString());
        assertEquals(0, status, "the program's exit status");
        for (Path f : new Path[] {debug, own}) {
            String json = Files.readString(f);
            assertTrue(json.startsWith("{") && json.contains("\"traceEvents\""), f + ": " + json);
            assertTrue(json.contains("GoCreate"), f + " records a goroutine: " + json);
        }
    }
}
