package io.goloom.bench.workload;

import com.softwaremill.jox.Channel;
import io.goloom.chan.Chan;

import java.util.List;
import java.util.Optional;

/**
 * chanbuffered: throughput of one producer and one consumer goroutine over a channel with a
 * buffer of {@value #CAPACITY}, three ways in every round: goloom's {@link Chan}, Jox's buffered
 * {@link Channel}, and an {@link java.util.concurrent.ArrayBlockingQueue} (the
 * {@link BufferedQueue} workload). The cost per item is the time from the producer's first send
 * to the consumer's last receive, divided by {@code items}; the producer sends one object over
 * and over (no allocation per item). The target is issue #5's: goloom's {@code Chan} on goloom
 * costs at most half of {@code ArrayBlockingQueue} on the JDK's scheduler. Go's column is its
 * buffered channel, in the {@code Chan} row.
 */
public final class ChanBuffered implements Workload {

    private static final int CAPACITY = 1024;
    /** The metric of goloom's {@link Chan}, and the name the Go program prints. */
    private static final String CHAN = "Chan per item";
    private static final String JOX = "Jox per item";
    private static final String ABQ = "ArrayBlockingQueue per item";
    private static final Object ITEM = new Object();

    private final int items;
    private final Rotation rotation = new Rotation();

    /** Passes {@code items} items per implementation per round. */
    public ChanBuffered(int items) {
        this.items = items;
    }

    @Override
    public String name() {
        return "chanbuffered";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric(CHAN, "ns", Target.atMostOfJdk(0.5, ABQ)), Metric.of(JOX, "ns"),
                Metric.of(ABQ, "ns"));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return rotation.run(List.of(() -> chan(round), () -> jox(round), () -> new BufferedQueue(items).run(round)[0]));
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("buffered", List.of("-n", Integer.toString(items), "-metric", CHAN)));
    }

    // One loop per implementation, not one loop over an interface: a shared loop would be
    // megamorphic and charge every column a virtual call per operation.
    private double chan(Round round) throws Exception {
        Chan<Object> queue = Chan.make(CAPACITY);
        Round.Task<Long> consumer = round.task(() -> {
            for (int i = 0; i < items; i++) {
                queue.receive();
            }
            return System.nanoTime();
        }).start();
        Round.Task<Long> producer = round.task(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < items; i++) {
                queue.send(ITEM);
            }
            return start;
        }).start();
        long start = producer.join();
        long end = consumer.join();
        return (double) (end - start) / items;
    }

    private double jox(Round round) throws Exception {
        Channel<Object> queue = Channel.newBufferedChannel(CAPACITY);
        Round.Task<Long> consumer = round.task(() -> {
            for (int i = 0; i < items; i++) {
                queue.receive();
            }
            return System.nanoTime();
        }).start();
        Round.Task<Long> producer = round.task(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < items; i++) {
                queue.send(ITEM);
            }
            return start;
        }).start();
        long start = producer.join();
        long end = consumer.join();
        return (double) (end - start) / items;
    }
}
