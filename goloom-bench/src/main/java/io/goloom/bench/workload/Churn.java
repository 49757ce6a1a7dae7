package io.goloom.bench.workload;

import io.goloom.bench.side.Side;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * churn: a soak of spawn, park, unpark and exit at full speed with a fixed live population, to
 * show that nothing accumulates. {@code population} slots each hold one live goroutine, parked
 * until a token arrives; {@value #TOKENS} tokens circulate. A goroutine that takes a token
 * starts its own replacement in its slot, passes the token to the next slot (unparking that
 * slot's goroutine) and exits: one hop is one spawn, one unpark, one park and one exit.
 *
 * <p>A warm-up of a fifth of the soak comes first, so that the JIT has compiled the paths
 * before anything is measured (a stack frozen from interpreted frames is larger than one frozen
 * from compiled frames, which alone moves the heap by megabytes). Heap after a full collection
 * and the side's carrier-thread count are then taken twice, in the same state:
 * {@code population} goroutines parked with no token in flight, after the warm-up's tokens were
 * taken back and after the soak's were. Throughput is sampled in ten windows; the last over
 * the first says whether it stays steady.
 *
 * <p>A token is a count per slot, not a permit, so two tokens meeting in one slot are both
 * kept. The replacement is published in its slot before it starts and reads the count before it
 * parks, so a token passed to the old goroutine after it took its own is seen by the new one.
 */
public final class Churn implements Workload {

    private static final int TOKENS = 64, WINDOWS = 10;
    /** The warm-up is a fifth of the soak: measured here, throughput still climbs for 2-4 s. */
    private static final int WARMUP_FRACTION = 5;

    private final int population;
    private final Duration duration;

    /** Keeps {@code population} goroutines alive while hops run for {@code duration}. */
    public Churn(int population, Duration duration) {
        this.population = population;
        this.duration = duration;
    }

    @Override
    public String name() {
        return "churn";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.of("hops/s", "hops/s"),
                Metric.absolute("last/first 10%", "x"),
                Metric.absolute("heap growth", "MB"),
                Metric.absolute("carrier growth", "threads"),
                Metric.absolute("carriers peak", "threads"));
    }

    @Override
    public boolean singleRound() {
        return true;
    }

    /** The soak's own length comes on top of the usual allowance for setting up and tearing down. */
    @Override
    public Duration roundTimeout(Duration planned) {
        return planned.plus(duration).plus(duration.dividedBy(WARMUP_FRACTION));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return round.call(() -> new Soak(round).run());
    }

    /** One round's population and tokens. */
    private final class Soak {
        private final Round round;
        private final Side side;
        private final AtomicReferenceArray<Thread> slots = new AtomicReferenceArray<>(population);
        private final AtomicIntegerArray tokens = new AtomicIntegerArray(population);
        private final LongAdder hops = new LongAdder();
        private final CountDownLatch exited = new CountDownLatch(population);
        /** Non-null while tokens are being taken back: each goroutine that takes one counts it down. */
        private volatile CountDownLatch takingBack;
        private volatile boolean exiting;

        Soak(Round round) {
            this.round = round;
            this.side = round.side();
        }

        double[] run() throws Exception {
            for (int j = 0; j < population; j++) {
                spawn(j);
            }
            letTokensIn();
            Thread.sleep(duration.dividedBy(WARMUP_FRACTION));   // warm-up, not measured
            takeTokensBack();
            long heap0 = Memory.heapAfterGc();
            int carriers0 = side.carriers();
            int carriersPeak = carriers0;

            long hops0 = hops.sum();
            long start = System.nanoTime();
            letTokensIn();
            long[] windowHops = new long[WINDOWS];
            long before = hops0;
            for (int w = 0; w < WINDOWS; w++) {
                Thread.sleep(duration.dividedBy(WINDOWS));   // a measuring window, not a wait for a result
                long now = hops.sum();
                windowHops[w] = now - before;
                before = now;
                carriersPeak = Math.max(carriersPeak, side.carriers());
            }
            takeTokensBack();
            double rate = (hops.sum() - hops0) / ((System.nanoTime() - start) / 1e9);
            long heap1 = Memory.heapAfterGc();
            int carriers1 = side.carriers();

            exiting = true;
            for (int j = 0; j < population; j++) {
                LockSupport.unpark(slots.get(j));
            }
            round.await(exited);
            return new double[] {rate, windowHops[WINDOWS - 1] / (double) Math.max(1, windowHops[0]),
                    (heap1 - heap0) / 1e6, carriers1 - carriers0, carriersPeak};
        }

        private void letTokensIn() {
            takingBack = null;
            for (int t = 0; t < TOKENS; t++) {
                give((int) ((long) t * population / TOKENS));
            }
        }

        /** Returns once every token has been taken out of circulation and every slot's goroutine is parked. */
        private void takeTokensBack() throws Exception {
            CountDownLatch back = new CountDownLatch(TOKENS);
            takingBack = back;
            round.await(back);
            awaitAllParked();
        }

        private void awaitAllParked() throws Exception {
            Thread[] live = new Thread[population];
            for (int j = 0; j < population; j++) {
                live[j] = slots.get(j);
            }
            round.awaitParked(live);
        }

        private void spawn(int slot) {
            Thread t = side.threads().newThread(() -> live(slot));
            slots.set(slot, t);
            t.start();
        }

        private void give(int slot) {
            tokens.incrementAndGet(slot);
            LockSupport.unpark(slots.get(slot));
        }

        /** The body of every goroutine of {@code slot}: wait for a token, replace itself, pass it on, exit. */
        private void live(int slot) {
            for (;;) {
                int n = tokens.get(slot);
                if (n > 0) {
                    if (tokens.compareAndSet(slot, n, n - 1)) {
                        break;
                    }
                } else if (exiting) {
                    exited.countDown();
                    return;
                } else {
                    LockSupport.park();
                }
            }
            spawn(slot);
            CountDownLatch back = takingBack;
            if (back != null) {
                back.countDown();
                return;
            }
            hops.increment();
            give(slot + 1 == population ? 0 : slot + 1);
        }
    }
}
