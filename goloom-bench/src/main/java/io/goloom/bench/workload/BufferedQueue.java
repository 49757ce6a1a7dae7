package io.goloom.bench.workload;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * abq-buffered: throughput of one producer and one consumer goroutine over an
 * {@link ArrayBlockingQueue} of capacity {@value #CAPACITY}. The producer puts {@code items}
 * copies of one object (no allocation per item), the consumer takes them; the cost per item is
 * the time from the producer's first put to the consumer's last take, divided by
 * {@code items}. Both block whenever the queue is full or empty, so this measures how cheaply
 * the scheduler parks and wakes a goroutine that is usually about to be needed. Go's analogue
 * is a channel with a buffer of {@value #CAPACITY}.
 */
public final class BufferedQueue implements Workload {

    private static final int CAPACITY = 1024;
    private static final Object ITEM = new Object();

    private final int items;

    /** Passes {@code items} items per round. */
    public BufferedQueue(int items) {
        this.items = items;
    }

    @Override
    public String name() {
        return "abq-buffered";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("per item", "ns", Target.atMost(1.0)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
        Round.Task<Long> consumer = round.task(() -> {
            for (int i = 0; i < items; i++) {
                queue.take();
            }
            return System.nanoTime();
        }).start();
        Round.Task<Long> producer = round.task(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < items; i++) {
                queue.put(ITEM);
            }
            return start;
        }).start();
        long start = producer.join();
        long end = consumer.join();
        return new double[] {(double) (end - start) / items};
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("buffered", List.of("-n", Integer.toString(items))));
    }
}
