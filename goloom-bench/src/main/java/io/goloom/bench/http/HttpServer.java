package io.goloom.bench.http;

import io.goloom.Go;
import io.goloom.GoRuntime;
import io.goloom.SchedulingPolicy;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Jetty 12 server on 127.0.0.1, an ephemeral port, serving {@link HelloHandler} with its
 * request virtual threads scheduled by one side: {@code goloom} (a {@link GoRuntime} with one P
 * per available processor, through {@code rt.threadFactory()}) or {@code jdk} (the default
 * scheduler). Jetty's own selector and acceptor threads stay the pool's platform threads, as in
 * any Jetty deployment with virtual threads.
 *
 * <p>{@link #startHogs} adds CPU-bound virtual threads on the same scheduler, which spin until
 * the server closes, with or without {@code Go.checkpoint()} between chunks of work (the
 * {@code http-hogs} shapes of issue 15).
 */
final class HttpServer implements AutoCloseable {

    private final String side;
    private final GoRuntime runtime;
    private final ExecutorService virtualThreads;
    private final Server server;
    private final ServerConnector connector;
    private final HelloHandler handler;
    private final List<Thread> hogs = new ArrayList<>();
    /** Chunks of work the hogs have done, so that a run can show they made progress. */
    private final LongAdder hogChunks = new LongAdder();
    private volatile boolean hogsStop;

    /**
     * Starts the server.
     *
     * @param side        {@code goloom} or {@code jdk}
     * @param work        iterations of {@link Work#spin} per request
     * @param policy      goloom's scheduling policy (ignored on the JDK side)
     * @param retakenNice goloom's {@code retakenCarrierNice} (ignored on the JDK side)
     */
    HttpServer(String side, int work, SchedulingPolicy policy, int retakenNice) throws Exception {
        this.side = side;
        switch (side) {
            case "goloom" -> {
                runtime = GoRuntime.builder().procs(Runtime.getRuntime().availableProcessors()).name("http")
                        .policy(policy).retakenCarrierNice(retakenNice).build();
                virtualThreads = Executors.newThreadPerTaskExecutor(runtime.threadFactory());
            }
            case "jdk" -> {
                runtime = null;
                virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
            }
            default -> throw new IllegalArgumentException("unknown side \"" + side + "\", expected goloom or jdk");
        }
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setVirtualThreadsExecutor(virtualThreads);
        server = new Server(pool);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        handler = new HelloHandler(work);
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** The port it listens on. */
    int port() {
        return connector.getLocalPort();
    }

    /** The side scheduling its handlers. */
    String side() {
        return side;
    }

    /**
     * Starts {@code n} CPU hogs on the server's scheduler: each spins {@code chunk} iterations of
     * {@link Work#spin} at a time until the server closes, calling {@code Go.checkpoint()}
     * between chunks if {@code checkpoint} (a no-op on the JDK side, which has no preemption).
     */
    void startHogs(int n, int chunk, boolean checkpoint) {
        for (int i = 0; i < n; i++) {
            Runnable hog = () -> {
                long sink = 0;
                while (!hogsStop) {
                    sink += Work.spin(chunk, sink);
                    hogChunks.increment();
                    if (checkpoint) {
                        Go.checkpoint();
                    }
                }
                if (sink == 42) {
                    System.out.print("");   // consumes sink
                }
            };
            hogs.add(runtime != null ? runtime.go(hog).thread() : Thread.ofVirtual().name("hog-" + i).start(hog));
        }
    }

    /** Chunks of work the hogs have done so far. */
    long hogChunks() {
        return hogChunks.sum();
    }

    /** Where the requests handled so far ran. */
    HelloHandler.Counts counts() {
        return handler.counts();
    }

    /** Stops Jetty, then the virtual-thread executor (waiting for its handlers), then the runtime. */
    @Override
    public void close() throws Exception {
        hogsStop = true;
        try {
            for (Thread hog : hogs) {
                hog.join();
            }
            server.stop();
        } finally {
            virtualThreads.close();
            if (runtime != null) {
                runtime.close();
            }
        }
    }
}
