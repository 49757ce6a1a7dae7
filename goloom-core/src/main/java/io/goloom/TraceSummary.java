package io.goloom;

import java.nio.file.Path;

/**
 * What {@link GoRuntime#stopTrace()} wrote.
 *
 * <pre>{@code
 * TraceSummary s = rt.stopTrace();
 * System.err.println(s);   // TraceSummary[path=run.json, events=48211, dropped=0]
 * }</pre>
 *
 * @param path    the Chrome Trace Event JSON file (open it in ui.perfetto.dev or chrome://tracing)
 * @param events  events recorded and written
 * @param dropped events lost because a thread's buffer was full (raise {@code maxEventsPerThread}
 *                in {@link GoRuntime#startTrace(Path, int)}); 0 for a complete trace
 */
public record TraceSummary(Path path, long events, long dropped) {
}
