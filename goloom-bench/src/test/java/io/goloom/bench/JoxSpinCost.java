package io.goloom.bench;

import com.softwaremill.jox.Channel;
import io.goloom.GoRuntime;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * What Jox's spin-before-park costs on goloom: a rendezvous ping-pong on goloom (2 Ps) or the
 * JDK's default scheduler, printing the medians of 9 rounds of wall and process CPU time per
 * round trip. Jox sizes its spin at class load from {@code availableProcessors()} (0 on one
 * processor, 128 on 2-4), so the same program run with {@code -XX:ActiveProcessorCount=1} has
 * no spin while keeping 2 Ps (and, with {@code -Djdk.virtualThreadScheduler.parallelism=2},
 * 2 JDK carriers). A measurement, not a test; run from the repository root after
 * {@code ./mvnw -B -q -DskipTests package} and {@code ./mvnw -B -q -pl goloom-core,goloom-bench test-compile}:
 * <pre>{@code
 * for p in 2 1; do $J -XX:ActiveProcessorCount=$p -Djdk.virtualThreadScheduler.parallelism=2 \
 *   --add-opens java.base/java.lang=ALL-UNNAMED \
 *   -cp goloom-bench/target/goloom-bench.jar:goloom-bench/target/test-classes \
 *   io.goloom.bench.JoxSpinCost goloom 200000; done
 * }</pre>
 */
public final class JoxSpinCost {

    private static final int ROUNDS = 9;

    private JoxSpinCost() {
    }

    /** Arguments: {@code goloom|jdk} and the round trips per round. */
    public static void main(String[] args) throws Exception {
        String side = args[0];
        int n = Integer.parseInt(args[1]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (GoRuntime rt = side.equals("goloom") ? GoRuntime.builder().procs(2).build() : null) {
            ThreadFactory threads = rt != null ? rt.threadFactory() : Thread.ofVirtual().factory();
            double[] wall = new double[ROUNDS];
            double[] cpu = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                Channel<Object> there = Channel.newRendezvousChannel();
                Channel<Object> back = Channel.newRendezvousChannel();
                CountDownLatch done = new CountDownLatch(2);
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                threads.newThread(() -> {
                    try {
                        for (int i = 0; i < n; i++) {
                            back.send(there.receive());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.countDown();
                }).start();
                threads.newThread(() -> {
                    try {
                        for (int i = 0; i < n; i++) {
                            there.send(Boolean.TRUE);
                            back.receive();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.countDown();
                }).start();
                done.await();
                wall[r] = (System.nanoTime() - wall0) / (double) n;
                cpu[r] = (os.getProcessCpuTime() - cpu0) / (double) n;
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf("%s, %d processors: wall %.0f ns, CPU %.0f ns per round trip (medians of %d)%n",
                    side, Runtime.getRuntime().availableProcessors(), wall[ROUNDS / 2], cpu[ROUNDS / 2], ROUNDS);
        }
    }
}
