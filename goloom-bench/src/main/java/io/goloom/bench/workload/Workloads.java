package io.goloom.bench.workload;

import io.goloom.bench.http.Http;
import io.goloom.bench.http.HttpHogs;

import java.time.Duration;
import java.util.List;

/** The workloads of the comparison, in table order, sized for a full or a quick run. */
public final class Workloads {

    private Workloads() {
    }

    /**
     * Every workload. {@code quick} shrinks those whose full size would not fit a short run
     * (about 7 minutes on two cores, half of it the http rows' server JVMs); the counts the
     * product documents (1,000,000 spawns, 10,000 subscribers, 16,384 sleepers, 1,000,000
     * parked, a live population of 10,000) stay.
     */
    public static List<Workload> all(boolean quick) {
        Http http = new Http(quick);
        HttpHogs.Baseline noHogs = new HttpHogs.Baseline(http, quick);
        return List.of(
                new Spawn(1_000_000),
                new Skynet(1_000_000),
                new ParkPingPong(quick ? 100_000 : 500_000),
                new QueuePingPong(QueuePingPong.Kind.SYNCHRONOUS_QUEUE, quick ? 100_000 : 500_000),
                new QueuePingPong(QueuePingPong.Kind.LINKED_TRANSFER_QUEUE, quick ? 100_000 : 500_000),
                new TimedGet(quick ? 50_000 : 250_000),
                new BufferedQueue(quick ? 1_000_000 : 5_000_000),
                new ChanPingPong(quick ? 20_000 : 500_000),
                new ChanBuffered(quick ? 500_000 : 5_000_000),
                new FanOut(10_000, quick ? 100 : 1_000),
                new Sleep16k(false, 16_384, quick ? Duration.ofMillis(1_500) : Duration.ofSeconds(5)),
                new Sleep16k(true, 16_384, quick ? Duration.ofMillis(1_500) : Duration.ofSeconds(5)),
                new Sleepers(100_000, quick ? Duration.ofMillis(1_500) : Duration.ofSeconds(5)),
                new Monitors(200, quick ? 4_000_000 : 20_000_000),
                new Yield(quick ? 200_000 : 1_000_000),
                new Floor(quick ? 1_000_000 : 5_000_000),
                new CpuHog(false, quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3)),
                new CpuHog(true, quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3)),
                new PriorityWake(quick ? Duration.ofSeconds(1) : Duration.ofSeconds(2)),
                new Tenants(1_000_000),
                new Footprint(1_000_000),
                new Startup(3),
                new Churn(10_000, quick ? Duration.ofSeconds(10) : Duration.ofSeconds(60)),
                http,
                new HttpHogs(false, quick, noHogs),
                new HttpHogs(true, quick, noHogs));
    }
}
