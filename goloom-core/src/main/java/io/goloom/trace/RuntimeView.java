package io.goloom.trace;

import io.goloom.GoHandle;
import io.goloom.SchedTrace;
import io.goloom.TraceSummary;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What this package reads of a runtime, in the leaf types of {@code io.goloom}: the facade
 * hands each tool one of these, so that {@code trace} depends on neither the facade nor the
 * scheduler, and a tool built outside goloom could do the same from {@code GoRuntime}'s public
 * methods, which these mirror.
 */
public interface RuntimeView {

    /** The runtime's name. */
    String name();

    /** Go's schedtrace of it now. */
    SchedTrace schedtrace();

    /** Its live goroutines. */
    List<GoHandle> allGoroutines();

    /** How many goroutines are alive. */
    int goroutines();

    /** Its goroutine dump as text. */
    String goroutineDump();

    /** The goroutines parked at least {@code threshold}, longest first. */
    List<GoHandle> leaks(Duration threshold);

    /** Starts its execution trace to {@code path}. */
    void startTrace(Path path) throws IOException;

    /** Stops and writes its execution trace. */
    TraceSummary stopTrace() throws IOException;
}
