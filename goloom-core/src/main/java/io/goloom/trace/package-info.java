/**
 * Watching a runtime from outside: {@link io.goloom.trace.SchedTracer} (Go's
 * {@code GODEBUG=schedtrace}: a thread that prints the scheduler's state every period),
 * {@link io.goloom.trace.DebugSettings} (the {@code GOLOOM_DEBUG} / {@code -Dgoloom.debug}
 * setting that turns it on), {@link io.goloom.trace.DebugTrace} (the execution trace that the
 * setting's {@code trace=FILE} asks for, written at close or JVM exit),
 * {@link io.goloom.trace.GoroutineDump} (pprof-style goroutine dump) and the runtime's JMX
 * bean ({@link io.goloom.trace.RuntimeMBean}).
 *
 * <p>Depends on the JDK ({@code java.base}, {@code java.management} for the JMX bean) and on
 * the leaf types of {@code io.goloom} only; it reads a runtime through
 * {@link io.goloom.trace.RuntimeView}, which mirrors {@code GoRuntime}'s public methods, so what
 * it shows is what any user can read. It never imports the scheduler (whose own execution trace,
 * {@code ExecTrace}, lives there because it records from inside the schedule loop) nor the
 * facade. Not API: the module does not export it. {@code GoRuntime.Builder.build()} reads the
 * debug setting and starts these tools.
 */
package io.goloom.trace;
