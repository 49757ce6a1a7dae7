package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every Builder setter rejects out-of-range values with a message naming the bad value and the range. */
class BuilderValidationTest {

    private static void assertRejected(Executable call, String badValue, String range) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String m = e.getMessage();
        assertTrue(m != null && m.contains(badValue), "message lacks the bad value " + badValue + ": " + m);
        assertTrue(m.contains(range), "message lacks the range " + range + ": " + m);
    }

    /** procs outside [1, 4096]. */
    @ParameterizedTest
    @ValueSource(ints = {0, -1, 4097, Integer.MIN_VALUE})
    void procsOutOfRange(int procs) {
        assertRejected(() -> GoRuntime.builder().procs(procs), "was " + procs, "[1, 4096]");
    }

    /** runQueueCapacity not a power of two in [2, 65536]. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6, 100, -2, 131072})
    void runQueueCapacityOutOfRange(int capacity) {
        assertRejected(() -> GoRuntime.builder().runQueueCapacity(capacity), "was " + capacity, "[2, 65536]");
    }

    /** maxThreads outside [1, 1000000]. */
    @ParameterizedTest
    @ValueSource(ints = {0, -5, 1_000_001})
    void maxThreadsOutOfRange(int maxThreads) {
        assertRejected(() -> GoRuntime.builder().maxThreads(maxThreads), "was " + maxThreads, "1000000");
    }

    /** maxThreads below procs is rejected at build(), naming both. */
    @Test
    void maxThreadsBelowProcsRejectedAtBuild() {
        GoRuntime.Builder b = GoRuntime.builder().procs(4).maxThreads(2);
        assertRejected(b::build, "was 2", ">= procs (4)");
    }

    /** schedtrace period outside [1ms, 1h]. */
    @Test
    void schedtraceOutOfRange() {
        assertRejected(() -> GoRuntime.builder().schedtrace(Duration.ZERO, false), "was PT0S", "[1ms, 1h]");
        assertRejected(() -> GoRuntime.builder().schedtrace(Duration.ofMillis(-1), true), "was PT-0.001S", "[1ms, 1h]");
        assertRejected(() -> GoRuntime.builder().schedtrace(Duration.ofHours(2), false), "was PT2H", "[1ms, 1h]");
        assertDoesNotThrow(() -> GoRuntime.builder().schedtrace(Duration.ofMillis(1), true));
    }

    /** name empty or longer than 64 characters. */
    @Test
    void nameOutOfRange() {
        assertRejected(() -> GoRuntime.builder().name(""), "was \"\"", "1 to 64");
        String tooLong = "n".repeat(65);
        assertRejected(() -> GoRuntime.builder().name(tooLong), tooLong, "1 to 64");
        assertThrows(NullPointerException.class, () -> GoRuntime.builder().name(null));
    }

    /** shutdownTimeout negative or above an hour; shutdown(negative) likewise. */
    @Test
    void shutdownTimeoutOutOfRange() {
        assertRejected(() -> GoRuntime.builder().shutdownTimeout(Duration.ofSeconds(-1)), "PT-1S", "[0s, 1h]");
        assertRejected(() -> GoRuntime.builder().shutdownTimeout(Duration.ofMillis(-1)), "PT-0.001S", "[0s, 1h]");
        assertRejected(() -> GoRuntime.builder().shutdownTimeout(Duration.ofHours(2)), "PT2H", "[0s, 1h]");
        try (GoRuntime rt = GoRuntime.builder().name(TestSupport.uniqueName("neg")).procs(1).build()) {
            assertRejected(() -> rt.shutdown(Duration.ofSeconds(-3)), "PT-3S", ">= 0");
        }
    }

    /** preemptAfter below 100 us or above an hour, or null. */
    @Test
    void preemptAfterOutOfRange() {
        assertRejected(() -> GoRuntime.builder().preemptAfter(Duration.ofNanos(99_999)), "PT0.000099999S", "[PT0.0001S, 1h]");
        assertRejected(() -> GoRuntime.builder().preemptAfter(Duration.ZERO), "PT0S", "[PT0.0001S, 1h]");
        assertRejected(() -> GoRuntime.builder().preemptAfter(Duration.ofHours(2)), "PT2H", "[PT0.0001S, 1h]");
        assertThrows(NullPointerException.class, () -> GoRuntime.builder().preemptAfter(null));
    }

    /** The boundary values are accepted. */
    @Test
    void boundariesAccepted() {
        assertDoesNotThrow(() -> GoRuntime.builder().procs(1).procs(4096)
                .runQueueCapacity(2).runQueueCapacity(65536)
                .maxThreads(1).maxThreads(1_000_000)
                .name("x").name("n".repeat(64))
                .shutdownTimeout(Duration.ZERO).shutdownTimeout(Duration.ofHours(1))
                .preemptAfter(Duration.ofNanos(100_000)).preemptAfter(Duration.ofHours(1)));
        try (GoRuntime rt = GoRuntime.builder().name(TestSupport.uniqueName("bounds")).procs(2).maxThreads(2)
                .runQueueCapacity(2).build()) {
            assertTrue(rt.procs() == 2);
        }
    }
}
