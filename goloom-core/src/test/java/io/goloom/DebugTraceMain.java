package io.goloom;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Forked by {@link DebugTraceTest} with {@code -Dgoloom.debug=trace=FILE}: a program that knows
 * nothing of tracing. Runtime "first" plays ping-pong and is closed; runtime "second" does the
 * same and is left open, so its trace is written by the JVM exit hook. Prints OK.
 */
public final class DebugTraceMain {

    static final String OK = "goloom-debug-trace-ok";
    static final int ROUNDS = 200;

    private DebugTraceMain() {
    }

    public static void main(String[] args) throws Exception {
        try (GoRuntime first = GoRuntime.builder().name("first").procs(2).build()) {
            pingPong(first);
        }
        GoRuntime second = GoRuntime.builder().name("second").procs(2).build();
        pingPong(second);
        System.out.println(OK);
    }

    private static void pingPong(GoRuntime rt) throws InterruptedException {
        BlockingQueue<Integer> ping = new ArrayBlockingQueue<>(1), pong = new ArrayBlockingQueue<>(1);
        GoHandle a = rt.go("ping", () -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.put(i);
                    pong.take();
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        GoHandle b = rt.go("pong", () -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        a.join();
        b.join();
        // join() returns as the thread ends, while its M has yet to record the run's end; a
        // goroutine leaves the live set only after that (M.execute), so wait for the set to
        // empty before the exit hook writes the open runtime's trace.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (rt.goroutines() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
