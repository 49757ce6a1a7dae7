package io.goloom;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Forked by {@link SchedTraceTest} with {@code GOLOOM_DEBUG=schedtrace=10}: builds a runtime
 * that sets nothing about tracing, waits (bounded) for its first SCHED line, echoes what was
 * printed to stdout and prints OK.
 */
public final class SchedTraceEnvMain {

    static final String OK = "goloom-schedtrace-env-ok";

    private SchedTraceEnvMain() {
    }

    public static void main(String[] args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GoRuntime rt = GoRuntime.builder().name("env").procs(1)
                .diagnostics(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build()) {
            rt.go(() -> { }).join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!bytes.toString(StandardCharsets.UTF_8).contains("SCHED") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        System.out.print(bytes.toString(StandardCharsets.UTF_8));
        System.out.println(OK);
    }
}
