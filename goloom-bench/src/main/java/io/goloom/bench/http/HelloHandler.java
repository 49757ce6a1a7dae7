package io.goloom.bench.http;

import io.goloom.Go;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request handler of both server children: {@code work} iterations of {@link Work#spin}
 * (about 20 us of CPU), a 1 ms {@code Thread.sleep}, then a 9-byte reply on the kept-alive
 * connection. It is a Jetty core {@link Handler.Abstract}, whose invocation type is
 * {@code BLOCKING}: Jetty's {@code AdaptiveExecutionStrategy} then runs it on the thread pool's
 * virtual-threads executor, so the sleep parks a virtual thread, not a pool thread.
 *
 * <p>It counts where it ran: every request, those on a virtual thread, and those in a goloom
 * goroutine ({@link Go#inGoroutine()}). The server reports the counts when it stops, which is
 * how the http row proves that the goloom side's handlers ran on goloom carriers and the JDK
 * side's did not.
 */
final class HelloHandler extends Handler.Abstract {

    /** The reply: 9 bytes. */
    static final byte[] BODY = "hello!!!\n".getBytes(StandardCharsets.US_ASCII);

    private final int work;
    private final LongAdder handled = new LongAdder(), virtual = new LongAdder(), inGoroutine = new LongAdder();
    /** Consumes each request's hash so the JIT keeps the loop; written racily by any handler, never read. */
    @SuppressWarnings("unused")
    private long sink;

    HelloHandler(int work) {
        super(InvocationType.BLOCKING);
        this.work = work;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        handled.increment();
        if (Thread.currentThread().isVirtual()) {
            virtual.increment();
        }
        if (Go.inGoroutine()) {
            inGoroutine.increment();
        }
        sink = Work.spin(work, System.nanoTime());
        Thread.sleep(1);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
        response.write(true, ByteBuffer.wrap(BODY), callback);
        return true;
    }

    /** Where the requests handled so far ran. */
    Counts counts() {
        return new Counts(handled.sum(), virtual.sum(), inGoroutine.sum());
    }

    /**
     * Requests handled, and of them how many ran on a virtual thread and how many in a goloom goroutine.
     *
     * @param handled     every request the handler saw
     * @param virtual     those whose thread was virtual
     * @param inGoroutine those whose thread was a goroutine of a goloom runtime
     */
    record Counts(long handled, long virtual, long inGoroutine) {

        /** The line the server child prints at exit. */
        String line() {
            return "handled=" + handled + " virtual=" + virtual + " goroutine=" + inGoroutine;
        }

        /** Parses {@link #line()}. */
        static Counts parse(String line) {
            long[] v = new long[3];
            String[] parts = line.strip().split(" ");
            for (int i = 0; i < 3; i++) {
                v[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
            }
            return new Counts(v[0], v[1], v[2]);
        }

        /**
         * Throws unless every request ran on a virtual thread, and in a goroutine exactly when
         * {@code side} is goloom.
         *
         * @throws IllegalStateException naming the side and the counts
         */
        void verify(String side) {
            boolean goloom = side.equals("goloom");
            if (handled == 0) {
                throw new IllegalStateException("the " + side + " server handled no request");
            }
            if (virtual != handled) {
                throw new IllegalStateException("on " + side + ", " + (handled - virtual) + " of " + handled
                        + " requests ran on a platform thread, not a virtual thread");
            }
            if (goloom && inGoroutine != handled) {
                throw new IllegalStateException("on goloom, " + (handled - inGoroutine) + " of " + handled
                        + " requests did not run in a goloom goroutine");
            }
            if (!goloom && inGoroutine != 0) {
                throw new IllegalStateException("on " + side + ", " + inGoroutine + " of " + handled
                        + " requests ran in a goloom goroutine");
            }
        }
    }
}
