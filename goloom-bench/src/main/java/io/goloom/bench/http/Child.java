package io.goloom.bench.http;

import io.goloom.bench.workload.ChildJvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child process of the http row (a server JVM or the load generator), named for error
 * messages ({@code "http server child (goloom)"}). Its standard output is read line by line as
 * it comes, its standard error kept as a tail of the last lines for the message of a failure.
 * {@link #close()} kills it and its own children (wrk, {@code go run}'s program) if it is still
 * running: every way out of a measurement, failures included, goes through it.
 */
final class Child implements AutoCloseable {

    private static final int STDERR_TAIL_LINES = 25;
    /** Marks the end of standard output in {@link #lines}. */
    private static final String EOF = new String("EOF");

    private final String what;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allLines = new ArrayList<>();
    /** Guarded by itself. */
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stdoutReader, stderrReader;

    private Child(String what, List<String> command) throws IOException {
        this.what = what;
        this.process = new ProcessBuilder(command).start();
        stdoutReader = drain(process.getInputStream(), what + " stdout", line -> {
            synchronized (allLines) {
                allLines.add(line);
            }
            lines.add(line);
        }, () -> lines.add(EOF));
        stderrReader = drain(process.getErrorStream(), what + " stderr", line -> {
            synchronized (stderrTail) {
                stderrTail.addLast(line);
                if (stderrTail.size() > STDERR_TAIL_LINES) {
                    stderrTail.removeFirst();
                }
            }
        }, () -> { });
    }

    /** Starts {@code command}, called {@code what} in messages. */
    static Child start(String what, List<String> command) throws IOException {
        return new Child(what, command);
    }

    /**
     * A command line running {@code mainClass} in a new JVM like this one: this JVM's java, its
     * flags (the {@code --add-opens} goloom needs, {@code -XX:ActiveProcessorCount}, ...) but a
     * debugger agent, a flight recording (it would write this JVM's file) and the heap size,
     * which is {@code heap} instead; then {@code extraFlags}, this class path and {@code args}.
     */
    static List<String> java(String mainClass, String heap, List<String> extraFlags, List<String> args) {
        List<String> command = ChildJvm.javaLikeThis("-Xmx", "-Xms", "-XX:MaxHeapSize", "-XX:StartFlightRecording");
        command.add("-Xmx" + heap);
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    private static Thread drain(InputStream in, String name, Consumer<String> line, Runnable atEnd) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    line.accept(l);
                }
            } catch (IOException closed) {
                // the process was killed: what was read is all there is
            } finally {
                atEnd.run();
            }
        });
    }

    /** Its process id (for /proc). */
    long pid() {
        return process.pid();
    }

    /** Whether it is still running. */
    boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits up to {@code limit} for the next line of its output that starts with {@code prefix},
     * skipping others, and returns it.
     *
     * @throws IOException if it exits first, naming its status and the tail of its standard error
     * @throws java.util.concurrent.TimeoutException if {@code limit} passes first
     */
    String awaitLine(String prefix, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new java.util.concurrent.TimeoutException(what + " printed no \"" + prefix + "\" line within "
                        + limit.toSeconds() + " s" + stderrSuffix());
            }
            if (line == EOF) {
                lines.add(EOF);
                process.waitFor(10, TimeUnit.SECONDS);
                throw failure("ended its output before printing \"" + prefix + "\"");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Writes {@code line} to its standard input. */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Waits up to {@code limit} for it to exit 0 and returns every line of its standard output.
     *
     * @throws IOException if it exited with another status, naming it and its standard error's tail
     * @throws java.util.concurrent.TimeoutException if it is still running after {@code limit} (it is then killed)
     */
    List<String> awaitExit(Duration limit) throws Exception {
        if (!process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            close();
            throw new java.util.concurrent.TimeoutException(what + " still running after " + limit.toSeconds()
                    + " s, killed" + stderrSuffix());
        }
        stdoutReader.join(5_000);
        stderrReader.join(5_000);
        if (process.exitValue() != 0) {
            throw failure("exited");
        }
        synchronized (allLines) {
            return List.copyOf(allLines);
        }
    }

    /** "what exited with N: stderr tail" (or "... is still running", if it is). */
    IOException failure(String how) {
        String status;
        if (process.isAlive()) {
            status = how + " (still running)";
        } else {
            status = how + " with " + process.exitValue();
        }
        return new IOException(what + " " + status + stderrSuffix());
    }

    private String stderrSuffix() {
        try {
            if (!process.isAlive()) {
                stderrReader.join(2_000);  // the last lines of a process that has just died
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? " (no stderr)" : ": " + String.join(" | ", stderrTail);
        }
    }

    /** Kills it, and its children, unless it has exited. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
