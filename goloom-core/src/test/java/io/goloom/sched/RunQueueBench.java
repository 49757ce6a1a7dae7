package io.goloom.sched;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The local run queue's operations on one thread, without contention: what a {@code runqput}
 * + {@code runqget} pair and a steal of half a queue cost in themselves. Lives in core's tests,
 * in {@code io.goloom.sched}, because {@link RunQueue} is package-private. Run it from the
 * test class path:
 * <pre>
 * ./mvnw -B -q -pl goloom-core test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp
 * java -cp goloom-core/target/test-classes:goloom-core/target/classes:$(cat goloom-core/target/test.cp) \
 *     org.openjdk.jmh.Main RunQueueBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RunQueueBench {

    private static final int BATCH = 64;

    private final RunQueue<Object> owner = new RunQueue<>(256);
    private final RunQueue<Object> thief = new RunQueue<>(256);
    private final Object item = new Object();

    /** One owner push and one owner pop (Go's runqput + runqget on the local ring). */
    @Benchmark
    public Object offerPoll() {
        owner.offer(item);
        return owner.poll();
    }

    /**
     * {@value #BATCH} pushes by the victim's owner, one steal of half by a thief, and both
     * sides drained: reported per element moved through the queues.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void stealHalf(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            owner.offer(item);
        }
        bh.consume(thief.stealHalf(owner));
        for (Object o; (o = thief.poll()) != null; ) {
            bh.consume(o);
        }
        for (Object o; (o = owner.poll()) != null; ) {
            bh.consume(o);
        }
    }
}
