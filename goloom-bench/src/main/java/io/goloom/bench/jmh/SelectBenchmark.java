package io.goloom.bench.jmh;

import io.goloom.bench.workload.Round;
import io.goloom.chan.Chan;
import io.goloom.chan.Select;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * A {@link Select} over {@value #CHANNELS} channels against a single {@link Chan#receive()},
 * {@value #ITEMS} items per invocation, with the same producer in both: a goroutine sends item
 * {@code i} on channel {@code i % 4}. The consumer either runs one select over all four (one of
 * them has the item: exactly one is ready when the channels are unbuffered) or receives from
 * channel {@code i % 4}, the one it knows has it. Issue #5's target: the select costs at most
 * twice the single receive. {@code capacity} 0 is the rendezvous case (every item a hand-off
 * between two goroutines); 64 lets the producer run ahead, so several cases are often ready and
 * the select's own work (lock four channels, shuffle, poll) is a larger share.
 */
public class SelectBenchmark extends OnSide {

    private static final int CHANNELS = 4;
    private static final int ITEMS = 10_000;
    private static final Integer ITEM = 1;

    @Param({"0", "64"})
    public int capacity;

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long select() throws Exception {
        Chan<Integer>[] chans = channels();
        Round round = new Round(sched, TIMEOUT);
        Round.Task<Void> producer = produce(round, chans);
        long received = round.call(() -> {
            long[] count = new long[1];
            Select select = new Select();
            for (Chan<Integer> ch : chans) {
                select.recv(ch, v -> count[0] += v);
            }
            for (int i = 0; i < ITEMS; i++) {
                select.run();
            }
            return count[0];
        });
        producer.join();
        return received;
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long receive() throws Exception {
        Chan<Integer>[] chans = channels();
        Round round = new Round(sched, TIMEOUT);
        Round.Task<Void> producer = produce(round, chans);
        long received = round.call(() -> {
            long count = 0;
            for (int i = 0; i < ITEMS; i++) {
                count += chans[i % CHANNELS].receive();
            }
            return count;
        });
        producer.join();
        return received;
    }

    @SuppressWarnings("unchecked")
    private Chan<Integer>[] channels() {
        Chan<Integer>[] chans = new Chan[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            chans[c] = Chan.make(capacity);
        }
        return chans;
    }

    private static Round.Task<Void> produce(Round round, Chan<Integer>[] chans) {
        return round.<Void>task(() -> {
            for (int i = 0; i < ITEMS; i++) {
                chans[i % CHANNELS].send(ITEM);
            }
            return null;
        }).start();
    }
}
