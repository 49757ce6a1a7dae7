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
 * goloom's public API only: {@code io.goloom}, and of {@code io.goloom.sched} nothing but the
 * public {@link io.goloom.sched.WaitReason}: what it shows is what any user of
 * {@code GoRuntime} can read, so tools built outside goloom can do the same.
 * {@code GoRuntime.Builder.build()} reads the debug setting and starts the tracer.
 */
package io.goloom.trace;
