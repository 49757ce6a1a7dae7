package io.goloom.trace;

import io.goloom.TraceSummary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The execution trace that {@code trace=FILE} in {@link DebugSettings} asks for: started by
 * {@code GoRuntime.Builder.build()}, written when the runtime closes or, for a runtime the
 * program never closes, by a JVM shutdown hook, whichever comes first. {@code ./goloom trace --
 * <main class>} runs a program this way.
 *
 * <pre>{@code
 * java -Dgoloom.debug=trace=run.json ... MyMain   # run.json, then run-<name>.json for a second runtime
 * }</pre>
 *
 * <p>The shutdown hook refers to the runtime until it closes, as a running runtime's threads do;
 * close removes it, so a closed runtime stays collectable.
 */
public final class DebugTrace {

    /** Trace files this JVM's runtimes took, absolute and normalized: the second and later insert their name. */
    private static final Set<Path> TAKEN = ConcurrentHashMap.newKeySet();

    private final RuntimeView runtime;
    private final PrintStream diagnostics;
    private final Thread hook;
    /** Set by the first of close and the hook to write; guarded by this. */
    private boolean written;

    private DebugTrace(RuntimeView runtime, PrintStream diagnostics) {
        this.runtime = runtime;
        this.diagnostics = diagnostics;
        this.hook = new Thread(this::write, "goloom-trace-at-exit-" + runtime.name());
    }

    /**
     * The file runtime {@code name} traces to: {@code requested} for the first runtime of this
     * JVM to ask, else {@code requested} with {@code -<name>} (then {@code -<name>-2}, ...)
     * inserted before the extension. Creates it (empty) now, so that a file that cannot be
     * written fails {@code build()} with the value named.
     *
     * @throws IllegalArgumentException if the file cannot be created
     */
    public static Path claim(Path requested, String name, DebugSettings settings) {
        Path base = requested.toAbsolutePath().normalize();
        Path path = base;
        String file = base.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file, ext = dot > 0 ? file.substring(dot) : "";
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        for (int n = 1; !TAKEN.add(path); n++) {
            path = base.resolveSibling(stem + "-" + safe + (n == 1 ? "" : "-" + n) + ext);
        }
        try {
            Files.newBufferedWriter(path).close();
        } catch (IOException | RuntimeException e) {
            TAKEN.remove(path);
            throw new IllegalArgumentException(settings.source() + ": trace must name a file that can be written, was \""
                    + requested + "\" (" + e + ")", e);
        }
        return path;
    }

    /** Starts tracing {@code runtime} to {@code path} (from {@link #claim}) and arms the hook. */
    public static DebugTrace start(RuntimeView runtime, Path path, PrintStream diagnostics) throws IOException {
        runtime.startTrace(path);
        DebugTrace t = new DebugTrace(runtime, diagnostics);
        Runtime.getRuntime().addShutdownHook(t.hook);
        return t;
    }

    /** Writes the trace now if the hook has not (the runtime closed) and removes the hook. */
    public void close() {
        write();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook ran or runs, and found the trace written
        }
    }

    /**
     * The program starts an execution trace of its own ({@code GoRuntime.startTrace}): writes
     * this one now, with what it recorded so far, so that the program's trace can begin (a
     * runtime records one trace at a time). Later closes and the hook find it written.
     */
    public void handOver() {
        write(" until the program started a trace of its own");
    }

    private void write() {
        write("");
    }

    private synchronized void write(String until) {
        if (written) {
            return;
        }
        written = true;
        try {
            TraceSummary s = runtime.stopTrace();
            diagnostics.println("goloom: execution trace of runtime \"" + runtime.name() + "\"" + until + " written to "
                    + s.path() + " (" + s.events() + " events" + (s.dropped() > 0 ? ", " + s.dropped()
                    + " dropped: the buffers were full" : "") + "); open it in https://ui.perfetto.dev");
        } catch (IllegalStateException e) {
            // the program stopped this trace itself (rt.stopTrace()): nothing left to write
        } catch (IOException | RuntimeException e) {
            diagnostics.println("goloom: could not write the execution trace of runtime \"" + runtime.name() + "\": " + e);
        }
    }
}
