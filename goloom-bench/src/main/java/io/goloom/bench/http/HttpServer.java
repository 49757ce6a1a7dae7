package io.goloom.bench.http;

import io.goloom.GoRuntime;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Jetty 12 server on 127.0.0.1, an ephemeral port, serving {@link HelloHandler} with its
 * request virtual threads scheduled by one side: {@code goloom} (a {@link GoRuntime} with one P
 * per available processor, through {@code rt.threadFactory()}) or {@code jdk} (the default
 * scheduler). Jetty's own selector and acceptor threads stay the pool's platform threads, as in
 * any Jetty deployment with virtual threads.
 */
final class HttpServer implements AutoCloseable {

    private final String side;
    private final GoRuntime runtime;
    private final ExecutorService virtualThreads;
    private final Server server;
    private final ServerConnector connector;
    private final HelloHandler handler;

    /**
     * Starts the server.
     *
     * @param side {@code goloom} or {@code jdk}
     * @param work iterations of {@link Work#spin} per request
     */
    HttpServer(String side, int work) throws Exception {
        this.side = side;
        switch (side) {
            case "goloom" -> {
                runtime = GoRuntime.builder().procs(Runtime.getRuntime().availableProcessors()).name("http").build();
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

    /** Where the requests handled so far ran. */
    HelloHandler.Counts counts() {
        return handler.counts();
    }

    /** Stops Jetty, then the virtual-thread executor (waiting for its handlers), then the runtime. */
    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            virtualThreads.close();
            if (runtime != null) {
                runtime.close();
            }
        }
    }
}
