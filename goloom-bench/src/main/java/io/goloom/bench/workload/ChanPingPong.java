package io.goloom.bench.workload;

import com.softwaremill.jox.Channel;
import io.goloom.chan.Chan;

import java.util.List;
import java.util.Optional;

/**
 * chanpingpong: a round trip between two goroutines over two unbuffered channels, three ways in
 * every round: goloom's {@link Chan}, Jox's rendezvous {@link Channel}, and a
 * {@link java.util.concurrent.SynchronousQueue} (the {@code syncq-pingpong} row of
 * {@link QueuePingPong}). One goroutine sends a ball on the first channel and receives it back
 * on the second; the other does the mirror image. Each row is one implementation, its goloom
 * and JDK cells the same code on the two schedulers. The target is issue #5's: goloom's {@code Chan} on goloom is the
 * fastest cell of the workload. Go's column is its unbuffered channel, in the {@code Chan} row.
 */
public final class ChanPingPong implements Workload {

    /** The metric of goloom's {@link Chan}, and the name the Go program prints. */
    static final String CHAN = "Chan round trip";
    private static final String JOX = "Jox round trip";
    private static final String SYNC_QUEUE = "SynchronousQueue round trip";
    private static final Object BALL = new Object();

    private final int roundTrips;
    private final Rotation rotation = new Rotation();

    /** Times {@code roundTrips} exchanges per implementation per round. */
    public ChanPingPong(int roundTrips) {
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return "chanpingpong";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric(CHAN, "ns", Target.fastest()), Metric.of(JOX, "ns"), Metric.of(SYNC_QUEUE, "ns"));
    }

    @Override
    public double[] run(Round round) throws Exception {
        QueuePingPong syncq = new QueuePingPong(QueuePingPong.Kind.SYNCHRONOUS_QUEUE, roundTrips);
        return rotation.run(List.of(() -> chan(round), () -> jox(round), () -> syncq.run(round)[0]));
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("pingpong", List.of("-n", Integer.toString(roundTrips), "-metric", CHAN)));
    }

    // One loop per implementation, not one loop over an interface: a shared loop would be
    // megamorphic and charge every column a virtual call per operation.
    private double chan(Round round) throws Exception {
        Chan<Object> there = Chan.make();
        Chan<Object> back = Chan.make();
        Round.Task<Void> pong = round.<Void>task(() -> {
            for (int i = 0; i < roundTrips; i++) {
                back.send(there.receive());
            }
            return null;
        }).start();
        long elapsed = round.call(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                there.send(BALL);
                back.receive();
            }
            return System.nanoTime() - start;
        });
        pong.join();
        return (double) elapsed / roundTrips;
    }

    private double jox(Round round) throws Exception {
        Channel<Object> there = Channel.newRendezvousChannel();
        Channel<Object> back = Channel.newRendezvousChannel();
        Round.Task<Void> pong = round.<Void>task(() -> {
            for (int i = 0; i < roundTrips; i++) {
                back.send(there.receive());
            }
            return null;
        }).start();
        long elapsed = round.call(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                there.send(BALL);
                back.receive();
            }
            return System.nanoTime() - start;
        });
        pong.join();
        return (double) elapsed / roundTrips;
    }
}
