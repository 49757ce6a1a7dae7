package io.goloom.bench.workload;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A {@code jdk.internal.vm.Continuation} that yields straight back every time it is run: the
 * cheapest possible switch, the floor under any virtual-thread scheduler. The only class of the
 * benchmarks that touches JDK internals; it needs
 * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} (the jar's manifest and the JMH
 * forks pass it). Use an instance from one thread at a time.
 */
public final class ContinuationFloor {

    /** The JVM flag this class needs. */
    public static final String REQUIRED_FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    // Method handles rather than direct calls: javac's --release forbids compiling against an
    // unexported package. static final, typed for invokeExact, so the JIT inlines them.
    private static final MethodHandle NEW_SCOPE;
    private static final MethodHandle NEW_CONTINUATION;
    private static final MethodHandle RUN;
    private static final MethodHandle YIELD;

    static {
        try {
            Class<?> scope = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> continuation = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NEW_SCOPE = lookup.findConstructor(scope, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            NEW_CONTINUATION = lookup.findConstructor(continuation,
                            MethodType.methodType(void.class, scope, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            RUN = lookup.findVirtual(continuation, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            YIELD = lookup.findStatic(continuation, "yield", MethodType.methodType(boolean.class, scope))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jdk.internal.vm.Continuation is out of reach; run with "
                    + REQUIRED_FLAG, e);
        }
    }

    private final Object continuation;

    /** A continuation that has not run yet; the first {@link #switchOnce()} starts it. */
    public ContinuationFloor() {
        try {
            Object scope = (Object) NEW_SCOPE.invokeExact("floor");
            Runnable body = () -> {
                while (true) {
                    yieldTo(scope);
                }
            };
            continuation = (Object) NEW_CONTINUATION.invokeExact(scope, body);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot create a Continuation", t);
        }
    }

    /** Mounts the continuation, which yields at once: one {@code run} and one {@code yield}. */
    public void switchOnce() {
        try {
            RUN.invokeExact(continuation);
        } catch (Throwable t) {
            throw new IllegalStateException("Continuation.run failed", t);
        }
    }

    private static void yieldTo(Object scope) {
        try {
            // invokeExact needs the call site's exact type, boolean result included.
            boolean unused = (boolean) YIELD.invokeExact(scope);
        } catch (Throwable t) {
            throw new IllegalStateException("Continuation.yield failed", t);
        }
    }
}
