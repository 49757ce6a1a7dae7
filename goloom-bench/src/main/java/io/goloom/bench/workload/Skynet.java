package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;

/**
 * skynet: the well-known spawn-tree benchmark (github.com/atemerev/skynet). One goroutine starts
 * the root of a 10-ary tree; every inner node starts its 10 children, each a new virtual thread,
 * and sums the numbers they send back; every one of the {@code leaves} leaves sends its own
 * index. With 1,000,000 leaves the tree has 6 levels and 1,111,111 threads, and the root's sum
 * must be 499,999,500,000 (any other sum throws). The row is the wall time of one tree.
 *
 * <p>This is the JDK's own Java port ({@code test/jdk/java/lang/Thread/virtual/stress/Skynet.java}),
 * unmodified: each parent receives from a {@link SynchronousQueue} of its own (the port's
 * "channel"), so every result is a rendezvous hand-off, and children are started with plain
 * {@code Thread.ofVirtual()} inside the round's thread, which is a goroutine on goloom, so they
 * inherit its scheduler (as an unmodified program run in one goroutine does), and a virtual
 * thread of the default scheduler on the JDK. It measures spawn, a short life, and a
 * wake-up through a queue that spins before it parks, all at once. Go's analogue is the
 * benchmark's Go program: {@code go skynet(...)} and an unbuffered channel per parent.
 */
public final class Skynet implements Workload {

    private static final int DIV = 10;

    private final int leaves;
    private final long expected;

    /** One tree of {@code leaves} leaves per round; {@code leaves} must be a power of 10. */
    public Skynet(int leaves) {
        long size = 1;
        while (size < leaves) {
            size *= DIV;
        }
        if (size != leaves) {
            throw new IllegalArgumentException("leaves must be a power of " + DIV + ", was " + leaves);
        }
        this.leaves = leaves;
        this.expected = (long) leaves * (leaves - 1) / 2;
    }

    @Override
    public String name() {
        return "skynet";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("time", "ms", Target.atMost(0.7)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return round.call(() -> {
            ThreadFactory threads = Thread.ofVirtual().factory();   // inherits the round thread's scheduler
            SynchronousQueue<Long> result = new SynchronousQueue<>();
            long start = System.nanoTime();
            threads.newThread(() -> skynet(threads, result, 0, leaves)).start();
            long sum = result.take();
            double ms = (System.nanoTime() - start) / 1e6;
            if (sum != expected) {
                throw new IllegalStateException("skynet sum " + sum + ", expected " + expected);
            }
            return new double[] {ms};
        });
    }

    /** The port's node: a leaf sends {@code num}, a parent sends the sum of its children's. */
    private static void skynet(ThreadFactory threads, SynchronousQueue<Long> result, long num, int size) {
        try {
            if (size == 1) {
                result.put(num);
                return;
            }
            SynchronousQueue<Long> children = new SynchronousQueue<>();
            int childSize = size / DIV;
            for (int i = 0; i < DIV; i++) {
                long childNum = num + (long) i * childSize;
                threads.newThread(() -> skynet(threads, children, childNum, childSize)).start();
            }
            long sum = 0;
            for (int i = 0; i < DIV; i++) {
                sum += children.take();
            }
            result.put(sum);
        } catch (InterruptedException e) {
            // Only a timed-out round's leftovers are interrupted (at close); the root's sum then never comes.
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("skynet", List.of("-n", Integer.toString(leaves))));
    }
}
