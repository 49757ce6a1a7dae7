package io.goloom.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ScrapeMemo}: one reading serves the meters of a scrape; a stale one is replaced. The
 * readings here count calls and ignore the runtime, so none is built.
 */
class ScrapeMemoTest {

    /** Many meters asking within the TTL (an hour here) cause one reading, and all see it. */
    @Test
    void readingsWithinTheTtlAreShared() {
        AtomicInteger reads = new AtomicInteger();
        ScrapeMemo<Integer> memo = new ScrapeMemo<>(rt -> reads.incrementAndGet(), 3_600_000_000_000L);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, memo.get(null));
        }
        assertEquals(1, reads.get());
    }

    /** Past the TTL (zero here) every call takes a new reading. */
    @Test
    void aStaleReadingIsReplaced() {
        AtomicInteger reads = new AtomicInteger();
        ScrapeMemo<Integer> memo = new ScrapeMemo<>(rt -> reads.incrementAndGet(), 0);
        assertEquals(1, memo.get(null));
        assertEquals(2, memo.get(null));
        assertEquals(2, reads.get());
    }
}
