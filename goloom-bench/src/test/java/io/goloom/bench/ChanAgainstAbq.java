package io.goloom.bench;

import io.goloom.GoRuntime;
import io.goloom.chan.Chan;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * goloom's {@code Chan.make(1024)} against {@code ArrayBlockingQueue(1024)} on one goloom runtime
 * (2 Ps), one producer and one consumer goroutine, the two alternating round by round and each
 * going first in every other round; prints the medians of 11 rounds in ns per item. A
 * measurement, not a test: the check behind the chanbuffered workload's rotation. Run from the
 * repository root after {@code ./mvnw -B -q -DskipTests package} and
 * {@code ./mvnw -B -q -pl goloom-core,goloom-bench test-compile}:
 * <pre>{@code
 * $J --add-opens java.base/java.lang=ALL-UNNAMED \
 *   -cp goloom-bench/target/goloom-bench.jar:goloom-bench/target/test-classes \
 *   io.goloom.bench.ChanAgainstAbq 2000000
 * }</pre>
 */
public final class ChanAgainstAbq {

    private static final int ROUNDS = 11;
    private static final int CAPACITY = 1024;

    private ChanAgainstAbq() {
    }

    /** Argument: the items per round. */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        double[] chan = new double[ROUNDS];
        double[] abq = new double[ROUNDS];
        try (GoRuntime rt = GoRuntime.builder().procs(2).build()) {
            ThreadFactory threads = rt.threadFactory();
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < 2; k++) {
                    System.gc();
                    if ((k == 0) == (r % 2 == 0)) {
                        chan[r] = chan(threads, n);
                    } else {
                        abq[r] = abq(threads, n);
                    }
                }
            }
        }
        Arrays.sort(chan);
        Arrays.sort(abq);
        double c = chan[ROUNDS / 2];
        double q = abq[ROUNDS / 2];
        System.out.printf("goloom: Chan %.1f ns, ArrayBlockingQueue %.1f ns per item, Chan/ABQ %.2f (medians of %d)%n",
                c, q, c / q, ROUNDS);
    }

    private static double chan(ThreadFactory threads, int n) throws InterruptedException {
        Chan<Object> ch = Chan.make(CAPACITY);
        return pass(threads, n, () -> ch.receive(), () -> ch.send(Boolean.TRUE));
    }

    private static double abq(ThreadFactory threads, int n) throws InterruptedException {
        BlockingQueue<Object> q = new ArrayBlockingQueue<>(CAPACITY);
        return pass(threads, n, q::take, () -> q.put(Boolean.TRUE));
    }

    private interface Op {
        void run() throws InterruptedException;
    }

    /** Consumer and producer goroutines, each doing its op {@code n} times; ns per item. */
    private static double pass(ThreadFactory threads, int n, Op take, Op put) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(2);
        long start = System.nanoTime();
        for (Op op : new Op[] {take, put}) {
            threads.newThread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        op.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            }).start();
        }
        done.await();
        return (System.nanoTime() - start) / (double) n;
    }
}
