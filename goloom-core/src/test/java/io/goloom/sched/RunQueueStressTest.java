package io.goloom.sched;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Concurrent stress of {@link RunQueue}: one owner thread offers, polls and (when full) takes
 * half, while three thief threads, each with a queue of its own, repeatedly steal half of the
 * owner's queue and drain their own. Every element is consumed exactly once.
 */
class RunQueueStressTest {

    private static final int ELEMENTS = 700_000;      // per capacity: ~2,000,000 over the three runs
    private static final long TIME_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(4);  // per capacity, then stop producing
    private static final int THIEVES = 3;

    /** Nothing lost, nothing duplicated, for a tiny, a small and the default capacity. */
    @ParameterizedTest(name = "capacity={0}")
    @ValueSource(ints = {4, 32, 256})
    @Timeout(90)
    void everyElementIsConsumedExactlyOnce(int capacity) throws Exception {
        Integer[] values = new Integer[ELEMENTS];
        for (int i = 0; i < ELEMENTS; i++) {
            values[i] = i;     // boxed once, so a consumer sees the very object that was offered
        }
        AtomicIntegerArray consumed = new AtomicIntegerArray(ELEMENTS);
        AtomicReference<String> error = new AtomicReference<>();
        AtomicLong stolen = new AtomicLong(), takenHalf = new AtomicLong(), polled = new AtomicLong();
        RunQueue<Integer> owner = new RunQueue<>(capacity);
        AtomicBoolean producing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);

        Thread[] thieves = new Thread[THIEVES];
        for (int k = 0; k < THIEVES; k++) {
            RunQueue<Integer> mine = new RunQueue<>(capacity);
            thieves[k] = Thread.ofPlatform().name("thief-" + k).daemon().start(() -> {
                try {
                    start.await();
                    for (;;) {
                        boolean wasProducing = producing.get();
                        int sz = owner.size();
                        if (sz < 0 || sz > capacity) {
                            error.compareAndSet(null, "owner.size() = " + sz);
                        }
                        Integer e = mine.stealHalf(owner);
                        if (e != null) {
                            consume(consumed, e, error);
                            stolen.incrementAndGet();
                            for (Integer x; (x = mine.poll()) != null; ) {
                                consume(consumed, x, error);
                                stolen.incrementAndGet();
                            }
                        } else if (!wasProducing && owner.isEmpty()) {
                            return;
                        } else {
                            Thread.onSpinWait();
                        }
                        if (!mine.isEmpty()) {
                            error.compareAndSet(null, "thief queue not empty after draining: " + mine.size());
                        }
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, "thief: " + t);
                }
            });
        }

        Integer[] batch = new Integer[capacity / 2 + 1];
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        start.countDown();
        long deadline = System.nanoTime() + TIME_BUDGET_NANOS;
        int produced = 0;
        while (produced < ELEMENTS && System.nanoTime() - deadline < 0) {
            // A burst of offers (overflowing with takeHalf when full), a few polls, then a short
            // pause that gives the thieves a chance at a queue with elements in it.
            int burst = 1 + rnd.nextInt(capacity + capacity / 2);
            for (int b = 0; b < burst && produced < ELEMENTS; b++) {
                Integer e = values[produced];
                while (!owner.offer(e)) {
                    int n = owner.takeHalf(batch);      // Go's runqputslow: the oldest half leaves the queue
                    for (int i = 0; i < n; i++) {
                        consume(consumed, batch[i], error);
                        batch[i] = null;
                    }
                    takenHalf.addAndGet(n);
                }
                produced++;
            }
            for (int polls = rnd.nextInt(burst / 2 + 1); polls > 0; polls--) {
                Integer x = owner.poll();
                if (x == null) {
                    break;
                }
                consume(consumed, x, error);
                polled.incrementAndGet();
            }
            for (int spin = rnd.nextInt(64); spin > 0; spin--) {
                Thread.onSpinWait();
            }
        }
        producing.set(false);
        for (Integer x; (x = owner.poll()) != null; ) {
            consume(consumed, x, error);
        }
        for (Thread t : thieves) {
            assertTrue(t.join(java.time.Duration.ofSeconds(30)), t.getName() + " did not stop");
        }
        assertNull(error.get());
        assertTrue(produced > 10_000, "only " + produced + " elements in the time budget");
        int lost = 0, dup = 0;
        for (int i = 0; i < produced; i++) {
            int c = consumed.get(i);
            if (c == 0) {
                lost++;
            } else if (c > 1) {
                dup++;
            }
        }
        if (lost + dup > 0) {
            fail(lost + " elements lost, " + dup + " consumed more than once, of " + produced);
        }
        for (int i = produced; i < ELEMENTS; i++) {
            assertEquals(0, consumed.get(i), "element " + i + " was never produced");
        }
        assertTrue(stolen.get() > 0, "the thieves never stole anything; the stress is void");
        System.out.printf("RunQueue stress capacity=%d: %d elements: %d stolen, %d polled by the owner, %d moved by takeHalf%n",
                capacity, produced, stolen.get(), polled.get(), takenHalf.get());
    }

    private static void consume(AtomicIntegerArray consumed, Integer e, AtomicReference<String> error) {
        if (e == null) {
            error.compareAndSet(null, "consumed a null element");
            return;
        }
        consumed.incrementAndGet(e);
    }
}
