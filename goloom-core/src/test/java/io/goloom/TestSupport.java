package io.goloom;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the runtime tests: unique names, bounded waits, carrier names, child JVMs. */
final class TestSupport {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestSupport() {
    }

    /** A runtime name unique in this JVM, so carrier threads of different tests never mix. */
    static String uniqueName(String prefix) {
        return prefix + SEQ.incrementAndGet();
    }

    /** Awaits {@code latch}, failing the test with {@code what} after {@code timeout}. */
    static void await(CountDownLatch latch, Duration timeout, String what) throws InterruptedException {
        assertTrue(latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS),
                () -> "timed out after " + timeout + " waiting for " + what + " (count " + latch.getCount() + ")");
    }

    /**
     * Polls {@code condition} until it holds, failing after {@code timeout}. For states that
     * have no event to wait on (a counter the runtime updates after the event we can join).
     */
    static void awaitCondition(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for " + what.get());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /**
     * The name of the carrier thread the calling virtual thread is mounted on, from
     * {@code VirtualThread.toString()} ("VirtualThread[#id,name]/runnable@carrier").
     */
    static String carrierName() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return t.getName();
        }
        String s = t.toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "<unmounted:" + s + ">" : s.substring(at + 1);
    }

    /** Fails unless every slot of {@code counts} is exactly 1; names the first offenders. */
    static void assertEachExactlyOnce(AtomicIntegerArray counts, String what) {
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counts.length(); i++) {
            int c = counts.get(i);
            if (c != 1) {
                if (bad < 10) {
                    sb.append(" [").append(i).append("]=").append(c);
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(bad + " of " + counts.length() + " " + what + " did not run exactly once:" + sb);
        }
    }

    /** The java launcher of the JDK 25 the tests run on (Surefire passes it as goloom.test.java). */
    static String javaLauncher() {
        String home = System.getProperty("goloom.test.java");
        if (home == null || home.isBlank() || home.contains("${")) {
            home = System.getProperty("java.home");
        }
        return home + "/bin/java";
    }

    /** What a child process printed (standard output and error together), and its exit code. */
    record ChildRun(int exit, String output) {
    }

    /**
     * Runs {@code main} of the test classpath in a fresh JVM with the flag goloom needs, C1 only
     * (these children are short), {@code flags} before the class path, and at most 60 s.
     */
    static ChildRun runMain(Class<?> main, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaLauncher(), "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return runChild(command, Map.of());
    }

    /**
     * Runs {@code command} with {@code env} added to the environment and standard input from
     * /dev/null, and waits up to 60 s for it to exit: if it does not, kills it and fails with
     * what it printed.
     */
    static ChildRun runChild(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("goloom-child", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("the child did not exit within 60 s: " + command + "\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new ChildRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
