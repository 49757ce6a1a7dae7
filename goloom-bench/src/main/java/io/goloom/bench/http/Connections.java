package io.goloom.bench.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * K kept-alive HTTP/1.1 connections to {@code 127.0.0.1:port}, a minimal client for the http
 * row's fixed request and tiny fixed reply: one request in flight per connection (no
 * pipelining), the next ones queued on the client with the time they were meant to be sent.
 * One platform thread reads every connection through a {@link Selector} and parses the
 * responses (status line, {@code Content-Length}, body); requests are written by whichever
 * thread submits them, or by the reader when a response frees its connection.
 *
 * <p>Every failure is counted, never retried: a connection error (refused, reset, closed by
 * the server) fails that connection's in-flight and queued requests; a response that is not
 * {@code 200} with the 9-byte body counts as bad. {@link #problems()} sums them up.
 */
final class Connections implements AutoCloseable {

    /** The one request: {@code GET /} on a kept-alive connection. */
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the reader thread reports for each response; called on the reader thread only. */
    interface Listener {
        /**
         * A response arrived on {@code conn} at {@code now} for the request meant to be sent at {@code intended}.
         *
         * @return true to send the connection's next request at once (closed loop) if it is idle
         */
        boolean onResponse(Conn conn, long intended, long now, boolean ok);

        /** A request that will never be answered (its connection failed). */
        void onLost(long intended);
    }

    /** One connection and its queue. All fields but {@code buf}/{@code len} under the object's lock. */
    static final class Conn {
        final int index;
        final SocketChannel channel;
        /** Written and read by the reader thread only. */
        final byte[] buf = new byte[16 * 1024];
        int len;
        boolean inFlight, dead;
        long intended;
        final ArrayDeque<Long> backlog = new ArrayDeque<>();

        Conn(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }
    }

    private final Conn[] conns;
    private final Selector selector;
    private final Listener listener;
    private final Thread reader;
    private volatile boolean running = true;
    private final AtomicLong connectionErrors = new AtomicLong(), badResponses = new AtomicLong();
    private final AtomicReference<String> firstConnectionError = new AtomicReference<>(),
            firstBadResponse = new AtomicReference<>();

    /** Opens {@code k} connections to {@code port} and starts the reader thread. */
    Connections(int port, int k, Listener listener) throws IOException {
        this.listener = listener;
        this.selector = Selector.open();
        this.conns = new Conn[k];
        try {
            for (int i = 0; i < k; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                conns[i] = new Conn(i, ch);
                ch.register(selector, SelectionKey.OP_READ, conns[i]);
            }
        } catch (IOException e) {
            close();
            throw new IOException("cannot connect to 127.0.0.1:" + port + ": " + e, e);
        }
        reader = Thread.ofPlatform().name("http-load-reader").daemon().unstarted(this::readLoop);
        reader.start();
    }

    /** The {@code i}th connection. */
    Conn conn(int i) {
        return conns[i % conns.length];
    }

    /** How many there are. */
    int size() {
        return conns.length;
    }

    /** Sends a request on {@code c} now if it is idle, else queues it; {@code intended} is when it was meant to go. */
    void submit(Conn c, long intended) {
        boolean lost;
        synchronized (c) {
            lost = c.dead;
            if (!lost) {
                if (c.inFlight) {
                    c.backlog.add(intended);
                } else {
                    c.inFlight = true;
                    c.intended = intended;
                    lost = !write(c);
                }
            }
        }
        if (lost) {
            listener.onLost(intended);
        }
    }

    /** Writes the request; on failure marks {@code c} dead, fails what it queued, and returns false. Holds c's lock. */
    private boolean write(Conn c) {
        try {
            int n = c.channel.write(ByteBuffer.wrap(REQUEST));
            if (n != REQUEST.length) {
                throw new IOException("short write of " + n + " bytes");
            }
            return true;
        } catch (IOException e) {
            failLocked(c, "write: " + e);
            return false;
        }
    }

    private void failLocked(Conn c, String why) {
        connectionErrors.incrementAndGet();
        firstConnectionError.compareAndSet(null, "connection " + c.index + ": " + why);
        c.dead = true;
        c.inFlight = false;
        for (Long t : c.backlog) {
            listener.onLost(t);
        }
        c.backlog.clear();
    }

    private void readLoop() {
        try {
            while (running) {
                selector.select(50);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isReadable()) {
                        read(key, (Conn) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            connectionErrors.incrementAndGet();
            firstConnectionError.compareAndSet(null, "reader: " + e);
        }
    }

    private void read(SelectionKey key, Conn c) {
        int n;
        try {
            n = c.channel.read(ByteBuffer.wrap(c.buf, c.len, c.buf.length - c.len));
        } catch (IOException e) {
            key.cancel();
            lose(c, "read: " + e);
            return;
        }
        if (n < 0) {
            key.cancel();
            lose(c, "closed by the server");
            return;
        }
        c.len += n;
        long now = System.nanoTime();
        int off = 0;
        while (true) {
            int end = Response.parse(c.buf, off, c.len - off);
            if (end == Response.INCOMPLETE) {
                break;
            }
            if (end < 0) {
                key.cancel();
                lose(c, "unparsable response: "
                        + new String(c.buf, off, Math.min(80, c.len - off), StandardCharsets.ISO_8859_1));
                return;
            }
            int status = Response.status(c.buf, off);
            int body = Response.bodyLength(c.buf, off, end);
            boolean ok = status == 200 && body == HelloHandler.BODY.length;
            if (!ok) {
                badResponses.incrementAndGet();
                firstBadResponse.compareAndSet(null, "status " + status + ", body of " + body + " bytes");
            }
            off += end;
            respond(c, now, ok);
        }
        System.arraycopy(c.buf, off, c.buf, 0, c.len - off);
        c.len -= off;
        if (c.len == c.buf.length) {
            key.cancel();
            lose(c, "a response larger than " + c.buf.length + " bytes");
        }
    }

    /**
     * The response to {@code c}'s request in flight: the connection's oldest queued request goes
     * out first, in the same critical section that frees it (so a request submitted meanwhile
     * cannot overtake the queue), then the listener hears of the response.
     */
    private void respond(Conn c, long now, boolean ok) {
        long intended;
        long lostNext = Long.MIN_VALUE;
        synchronized (c) {
            intended = c.intended;
            c.inFlight = false;
            Long next = c.dead ? null : c.backlog.poll();
            if (next != null) {
                c.inFlight = true;
                c.intended = next;
                if (!write(c)) {
                    lostNext = next;
                }
            }
        }
        if (lostNext != Long.MIN_VALUE) {
            listener.onLost(lostNext);
        }
        if (listener.onResponse(c, intended, now, ok)) {
            synchronized (c) {
                if (!c.dead && !c.inFlight) {
                    c.inFlight = true;
                    c.intended = System.nanoTime();
                    write(c);
                }
            }
        }
    }

    private void lose(Conn c, String why) {
        boolean hadInFlight;
        long intended;
        synchronized (c) {
            hadInFlight = c.inFlight;
            intended = c.intended;
            failLocked(c, why);
        }
        if (hadInFlight) {
            listener.onLost(intended);
        }
    }

    /** Connection errors and bad responses so far, as one sentence; empty if there were none. */
    String problems() {
        StringBuilder s = new StringBuilder();
        if (connectionErrors.get() > 0) {
            s.append(connectionErrors.get()).append(" connection error(s) (first: ").append(firstConnectionError.get()).append(")");
        }
        if (badResponses.get() > 0) {
            s.append(s.isEmpty() ? "" : ", ").append(badResponses.get())
                    .append(" response(s) other than 200 with the 9-byte body (first: ").append(firstBadResponse.get()).append(")");
        }
        return s.toString();
    }

    /** Connection errors so far. */
    long connectionErrors() {
        return connectionErrors.get();
    }

    /** Stops the reader and closes every connection. */
    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        if (reader != null) {
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Conn c : conns) {
            if (c != null) {
                c.channel.close();
            }
        }
        selector.close();
    }

    /** The parts of an HTTP/1.1 response this client reads. */
    static final class Response {
        static final int INCOMPLETE = 0;
        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

        private Response() {
        }

        /**
         * The length of the complete response at {@code b[off..off+len)}: {@link #INCOMPLETE} if
         * more bytes are needed, negative if it is not an HTTP/1.1 response with a Content-Length.
         */
        static int parse(byte[] b, int off, int len) {
            int headerEnd = -1;
            for (int i = off; i + 3 < off + len; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    headerEnd = i + 4;
                    break;
                }
            }
            if (headerEnd < 0) {
                return INCOMPLETE;
            }
            if (len < 12 || b[off] != 'H' || b[off + 4] != '/') {
                return -1;
            }
            int body = contentLength(b, off, headerEnd);
            if (body < 0) {
                return -1;
            }
            int total = headerEnd - off + body;
            return total <= len ? total : INCOMPLETE;
        }

        /** The status code of the response at {@code off}. */
        static int status(byte[] b, int off) {
            return (b[off + 9] - '0') * 100 + (b[off + 10] - '0') * 10 + (b[off + 11] - '0');
        }

        /** The body length of the complete response at {@code off}, {@code end} bytes long. */
        static int bodyLength(byte[] b, int off, int end) {
            for (int i = off; i + 3 < off + end; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return end - (i + 4 - off);
                }
            }
            return -1;
        }

        private static int contentLength(byte[] b, int off, int headerEnd) {
            for (int line = off; line < headerEnd; ) {
                int eol = line;
                while (eol + 1 < headerEnd && !(b[eol] == '\r' && b[eol + 1] == '\n')) {
                    eol++;
                }
                if (startsWithIgnoreCase(b, line, eol, CONTENT_LENGTH)) {
                    int v = 0;
                    boolean digits = false;
                    for (int i = line + CONTENT_LENGTH.length; i < eol; i++) {
                        if (b[i] >= '0' && b[i] <= '9') {
                            v = v * 10 + (b[i] - '0');
                            digits = true;
                        } else if (b[i] != ' ') {
                            return -1;
                        }
                    }
                    return digits ? v : -1;
                }
                line = eol + 2;
            }
            return -1;
        }

        private static boolean startsWithIgnoreCase(byte[] b, int from, int to, byte[] prefix) {
            if (to - from < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (Character.toLowerCase(b[from + i]) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
