package io.goloom.sched;

import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scheduler is never built from values the package assumes cannot happen (issue 13: procs=0 was accepted). */
class ConfigTest {

    private static final PrintStream OUT = System.err;

    private static Config config(int procs, int capacity, int maxThreads, Duration slice, Duration shutdown) {
        return new Config("c", procs, capacity, maxThreads, slice, Duration.ofMillis(20), Duration.ofSeconds(60),
                shutdown, null, OUT, 0);
    }

    private static void rejected(Function<Void, Config> build, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build.apply(null));
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "\"" + w + "\" in: " + e.getMessage());
        }
    }

    @Test
    void outOfRangeValuesAreRejectedNamingValueAndRange() {
        rejected(v -> config(0, 256, 16, Duration.ofMillis(10), Duration.ZERO), "procs", "[1, 4096]", "was 0");
        rejected(v -> config(2, 100, 16, Duration.ofMillis(10), Duration.ZERO), "runQueueCapacity", "power of two", "100");
        rejected(v -> config(4, 256, 2, Duration.ofMillis(10), Duration.ZERO), "maxThreads", "procs (4)", "was 2");
        rejected(v -> config(1, 256, 16, Duration.ZERO, Duration.ZERO), "preemptAfter", "> 0");
        rejected(v -> config(1, 256, 16, Duration.ofMillis(10), Duration.ofSeconds(-1)), "shutdownTimeout", ">= 0");
        assertThrows(NullPointerException.class, () -> new Scheduler(config(1, 256, 16, Duration.ofMillis(10),
                Duration.ZERO), null));
    }
}
