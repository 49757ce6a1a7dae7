package io.goloom.bench.workload;

import org.HdrHistogram.ConcurrentHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * fanout: delivery latency from one publisher to many subscribers, as in a push gateway. Each
 * of {@code subscribers} goroutines blocks on an inbox of its own; a publisher goroutine stamps
 * a message with {@link System#nanoTime()}, puts it into every inbox, and waits until every
 * subscriber has taken it before publishing the next, {@code messages} times. A delivery's
 * latency is the time from the stamp to the subscriber holding the message, so it includes
 * the subscriber's place in the publisher's loop and how soon the scheduler runs it after the
 * wake-up. Every delivery goes into one HdrHistogram; the round reports its p50, p95 and p99.
 * Go's analogue gives each subscriber a channel with a buffer of one.
 */
public final class FanOut implements Workload {

    /** Publishing waits for each message to reach everyone, so an inbox never holds more than one. */
    private static final int INBOX_CAPACITY = 1;
    private static final Message STOP = new Message(0, new CountDownLatch(0));

    private final int subscribers;
    private final int messages;

    /** Publishes {@code messages} messages to {@code subscribers} subscribers per round. */
    public FanOut(int subscribers, int messages) {
        this.subscribers = subscribers;
        this.messages = messages;
    }

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.of("latency p50", "us"), Metric.of("latency p95", "us"),
                new Metric("latency p99", "us", Target.atMost(1.0)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        CountDownLatch ready = new CountDownLatch(subscribers);
        List<BlockingQueue<Message>> inboxes = new ArrayList<>(subscribers);
        List<Round.Task<Void>> subscribing = new ArrayList<>(subscribers);
        for (int i = 0; i < subscribers; i++) {
            BlockingQueue<Message> inbox = new ArrayBlockingQueue<>(INBOX_CAPACITY);
            inboxes.add(inbox);
            subscribing.add(round.<Void>task(() -> {
                ready.countDown();
                for (Message m = inbox.take(); m != STOP; m = inbox.take()) {
                    latency.recordValue(System.nanoTime() - m.publishedNanos());
                    m.received().countDown();
                }
                return null;
            }).start());
        }
        round.call(() -> {
            round.await(ready);
            for (int i = 0; i < messages; i++) {
                Message m = new Message(System.nanoTime(), new CountDownLatch(subscribers));
                for (BlockingQueue<Message> inbox : inboxes) {
                    inbox.put(m);
                }
                round.await(m.received());
            }
            for (BlockingQueue<Message> inbox : inboxes) {
                inbox.put(STOP);
            }
            return null;
        });
        for (Round.Task<Void> s : subscribing) {
            s.join();
        }
        return new double[] {micros(latency, 50), micros(latency, 95), micros(latency, 99)};
    }

    private static double micros(ConcurrentHistogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("fanout", List.of(
                "-subscribers", Integer.toString(subscribers), "-messages", Integer.toString(messages))));
    }

    /** One publication: when it was stamped, and how many subscribers have yet to take it. */
    private record Message(long publishedNanos, CountDownLatch received) {
    }
}
