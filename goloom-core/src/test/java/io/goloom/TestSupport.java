package io.goloom;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the runtime tests: unique names, bounded waits, carrier names. */
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
}
