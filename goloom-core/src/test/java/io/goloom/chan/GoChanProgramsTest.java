package io.goloom.chan;

import io.goloom.Go;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.goloom.chan.PowerSeries.ONE;
import static io.goloom.chan.PowerSeries.ZERO;
import static io.goloom.chan.PowerSeries.i2tor;
import static io.goloom.chan.PowerSeries.itor;
import static io.goloom.chan.PowerSeries.neg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The behaviour of Go's own channel test programs ({@code test/chan/*.go} in golang/go), ported
 * to goloom's {@link Chan} and {@link Select}: each test names the program it follows and
 * expects the same results (with larger sizes where the issue asks for them).
 */
class GoChanProgramsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The first {@code n} primes, by trial division (the reference the sieves are checked against). */
    static int[] firstPrimes(int n) {
        int[] p = new int[n];
        int k = 0;
        for (int c = 2; k < n; c++) {
            boolean prime = true;
            for (int i = 0; i < k && p[i] * p[i] <= c; i++) {
                if (c % p[i] == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                p[k++] = c;
            }
        }
        return p;
    }

    // ---- sieve1.go ----

    /**
     * sieve1.go with 1,000 primes: a generator and a chain of one filter goroutine per prime
     * found (1,000 goroutines), all over unbuffered channels, each filter a {@code for (v : in)}.
     */
    @ParameterizedTest
    @EnumSource(value = Env.Kind.class, names = {"GOLOOM", "VIRTUAL"})
    @Timeout(60)
    void sieve1ChainOfFilterGoroutines(Env.Kind kind) throws Exception {
        int n = 1_000;
        int[] got = new int[n];
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> primes = Chan.make();
                env.go(() -> {
                    Chan<Integer> ch = Chan.make();
                    Chan<Integer> gen = ch;
                    env.go(() -> {
                        for (int i = 2; ; i++) {
                            gen.send(i);
                        }
                    });
                    for (;;) {
                        int prime = ch.receive();
                        primes.send(prime);
                        Chan<Integer> in = ch, out = Chan.make();
                        env.go(() -> {
                            for (int i : in) {
                                if (i % prime != 0) {
                                    out.send(i);
                                }
                            }
                        });
                        ch = out;
                    }
                });
                for (int i = 0; i < n; i++) {
                    got[i] = primes.receive();
                }
            });
        }
        assertArrayEquals(firstPrimes(n), got);
    }

    // ---- sieve2.go ----

    /** A channel with a head value peeked, ordered by it (sieve2's PeekCh). */
    private record PeekCh(int head, Chan<Integer> ch) {
    }

    /**
     * sieve2.go with 1,000 primes: Eratosthenes with one goroutine per prime producing its
     * multiples, merged through a heap, and a send proxy whose select disables its send case
     * (a nil channel) while its growing buffer is empty.
     */
    @ParameterizedTest
    @EnumSource(value = Env.Kind.class, names = {"GOLOOM", "VIRTUAL"})
    @Timeout(60)
    void sieve2HeapMergedMultiplesAndSendProxy(Env.Kind kind) throws Exception {
        int n = 1_000;
        int[] got = new int[n];
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> primes = sieve2(env);
                for (int i = 0; i < n; i++) {
                    got[i] = primes.receive();
                }
            });
        }
        assertArrayEquals(firstPrimes(n), got);
    }

    private static Chan<Integer> odds(Env env) {
        Chan<Integer> out = Chan.make(50);
        env.go(() -> {
            for (int i = 5; ; i += 2) {
                out.send(i);
            }
        });
        return out;
    }

    private static Chan<Integer> multiples(Env env, int p) {
        Chan<Integer> out = Chan.make(10);
        env.go(() -> {
            for (int i = p * p; ; i += 2 * p) {
                out.send(i);
            }
        });
        return out;
    }

    /** sieve2's sendproxy: buffers without bound between {@code proxy} and {@code out}. */
    private static Chan<Integer> sendProxy(Env env, Chan<Integer> out) {
        Chan<Integer> proxy = Chan.make(10);
        env.go(() -> {
            ArrayDeque<Integer> buf = new ArrayDeque<>(16);
            for (;;) {
                Chan<Integer> c = buf.isEmpty() ? Chan.nil() : out;
                int e = buf.isEmpty() ? 0 : buf.peekFirst();
                int chosen = new Select()
                        .recv(proxy, buf::addLast)
                        .send(c, e, buf::removeFirst)
                        .run();
                assertTrue(chosen == 0 || chosen == 1);
            }
        });
        return proxy;
    }

    private static Chan<Integer> sieve2(Env env) throws InterruptedException {
        Chan<Integer> out = Chan.make(10);
        out.send(2);
        out.send(3);
        Chan<Integer> composites = Chan.make(50);
        Chan<Integer> primes = Chan.make(10);
        primes.send(3);
        env.go(() -> {
            PriorityQueue<PeekCh> h = new PriorityQueue<>((a, b) -> Integer.compare(a.head, b.head));
            int min = 15;
            for (;;) {
                Chan<Integer> m = multiples(env, primes.receive());
                int head = m.receive();
                while (min < head) {
                    composites.send(min);
                    PeekCh minchan = h.poll();
                    min = minchan.head;
                    h.add(new PeekCh(minchan.ch.receive(), minchan.ch));
                }
                while (min == head) {
                    PeekCh minchan = h.poll();
                    min = minchan.head;
                    h.add(new PeekCh(minchan.ch.receive(), minchan.ch));
                }
                composites.send(head);
                h.add(new PeekCh(m.receive(), m));
            }
        });
        env.go(() -> {
            Chan<Integer> primesIn = sendProxy(env, primes);
            Chan<Integer> candidates = odds(env);
            int p = candidates.receive();
            for (;;) {
                int c = composites.receive();
                while (p < c) {
                    primesIn.send(p);
                    out.send(p);
                    p = candidates.receive();
                }
                if (p == c) {
                    p = candidates.receive();
                }
            }
        });
        return out;
    }

    // ---- powser1.go ----

    /**
     * powser1.go: the checks its test mode makes (Ones, Diff, Integ, Cmul, Mul, Exp, ATan), with
     * the same exact rational coefficients, plus its print mode's lines for Add, Sub, MonSubst.
     */
    @ParameterizedTest
    @EnumSource(value = Env.Kind.class, names = {"GOLOOM", "VIRTUAL"})
    @Timeout(60)
    void powser1PowerSeries(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                PowerSeries ps = new PowerSeries(env);
                int n = 10;
                check(ps, ps.ones, ONE, 5, "Ones");
                check(ps, ps.add(ps.ones, ps.ones), itor(2), 0, "Add Ones Ones");
                check(ps, ps.add(ps.ones, ps.twos), itor(3), 0, "Add Ones Twos");
                PowerSeries.Rat[] a = new PowerSeries.Rat[n];
                for (int i = 0; i < n; i++) {
                    a[i] = itor(i + 1);
                }
                checka(ps, ps.diff(ps.ones), a, "Diff");                  // 1 2 3 4 5
                a[0] = ZERO;
                for (int i = 1; i < n; i++) {
                    a[i] = i2tor(1, i);
                }
                checka(ps, ps.integ(ZERO, ps.ones), a, "Integ");          // 0 1 1/2 1/3 1/4 1/5
                check(ps, ps.cmul(neg(ONE), ps.twos), itor(-2), 10, "CMul");
                check(ps, ps.sub(ps.ones, ps.twos), itor(-1), 0, "Sub Ones Twos");
                for (int i = 0; i < n; i++) {
                    a[i] = itor(i + 1);
                }
                checka(ps, ps.mul(ps.ones, ps.ones), a, "Mul");           // 1 2 3 4 5
                a[0] = itor(1);
                a[1] = itor(1);
                a[2] = i2tor(3, 2);
                a[3] = i2tor(13, 6);
                a[4] = i2tor(73, 24);
                a[5] = i2tor(167, 40);
                a[6] = i2tor(4051, 720);
                a[7] = i2tor(37633, 5040);
                a[8] = i2tor(43817, 4480);
                a[9] = i2tor(4596553, 362880);
                checka(ps, ps.exp(ps.ones), a, "Exp");                    // 1 1 3/2 13/6 73/24
                for (int c = 1, i = 0; i < n; i++) {
                    if (i % 2 == 0) {
                        a[i] = ZERO;
                    } else {
                        a[i] = i2tor(c, i);
                        c *= -1;
                    }
                }
                checka(ps, ps.integ(ZERO, ps.monSubst(ps.ones, neg(ONE), 2)), a, "ATan"); // 0 1 0 -1/3 0 1/5

                // Print mode (go run powser1.go x), lines whose values are plain to see.
                assertEquals("1 1 1 1 1 1 1 1 1 1", ps.printn(ps.ones, 10));
                assertEquals("3 3 3 3 3 3 3 3 3 3", ps.printn(ps.add(ps.ones, ps.twos), 10));
                assertEquals("-1 -1 -1 -1 -1 -1 -1 -1 -1 -1", ps.printn(ps.sub(ps.ones, ps.twos), 10));
                assertEquals("1 0 -1 0 1 0 -1 0 1 0", ps.printn(ps.monSubst(ps.ones, neg(ONE), 2), 10));
                assertEquals(expSeriesOfOnes(12), ps.printn(ps.exp(ps.ones), 12));
            });
        }
    }

    /**
     * exp(x/(1-x)) = sum a(n) x^n / n!, a(n) = (2n-1) a(n-1) - (n-1)(n-2) a(n-2) (OEIS A000262),
     * computed directly to check Exp(Ones) beyond the ten terms powser1 lists.
     */
    private static String expSeriesOfOnes(int terms) {
        BigInteger a2 = BigInteger.ONE, a1 = BigInteger.ONE, fact = BigInteger.ONE;
        StringBuilder sb = new StringBuilder("1 1");
        for (int n = 2; n < terms; n++) {
            BigInteger an = BigInteger.valueOf(2L * n - 1).multiply(a1)
                    .subtract(BigInteger.valueOf((long) (n - 1) * (n - 2)).multiply(a2));
            fact = fact.multiply(BigInteger.valueOf(n));
            BigInteger g = an.gcd(fact);
            BigInteger num = an.divide(g), den = fact.divide(g);
            sb.append(' ').append(num);
            if (!den.equals(BigInteger.ONE)) {
                sb.append('/').append(den);
            }
            a2 = a1;
            a1 = an;
        }
        return sb.toString();
    }

    private static void check(PowerSeries ps, PowerSeries.Dch u, PowerSeries.Rat c, int count, String what)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            PowerSeries.Rat r = ps.get(u);
            assertEquals(c, r, what + " term " + i);
        }
    }

    private static void checka(PowerSeries ps, PowerSeries.Dch u, PowerSeries.Rat[] a, String what)
            throws InterruptedException {
        for (int i = 0; i < a.length; i++) {
            check(ps, u, a[i], 1, what + "[" + i + "]");
        }
    }

    // ---- select fairness (select2.go / select3.go / Go's uniform choice) ----

    /**
     * When several cases are ready the choice is uniformly random: 4 receive cases on closed
     * channels (always ready), 40,000 runs. Chi-square on the choices (3 degrees of freedom)
     * and on consecutive pairs of choices (15 degrees, which a rotating start index fails)
     * stay far below what a biased implementation produces; the bounds are at p ~ 1e-9, so the
     * test does not flake.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void selectChoosesUniformlyAmongReadyCases(Env.Kind kind) throws Exception {
        int k = 4, runs = 40_000;
        long[] counts = new long[k];
        long[] pairs = new long[k * k];
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Select s = new Select();
                for (int i = 0; i < k; i++) {
                    Chan<Integer> c = Chan.make(i % 2);    // buffered and unbuffered alike once closed
                    c.close();
                    s.recv(c, v -> assertNull(v));
                }
                int prev = -1;
                for (int r = 0; r < runs; r++) {
                    int i = s.run();
                    counts[i]++;
                    if (prev >= 0) {
                        pairs[prev * k + i]++;
                    }
                    prev = i;
                }
            });
        }
        double chi1 = chiSquare(counts), chi2 = chiSquare(pairs);
        // chi-square critical values at p = 1e-9: df 3 -> 45.2, df 15 -> 74.4.
        assertTrue(chi1 < 45.2, () -> "choices not uniform: " + java.util.Arrays.toString(counts) + " chi2=" + chi1);
        assertTrue(chi2 < 74.4, () -> "consecutive choices not independent: " + java.util.Arrays.toString(pairs)
                + " chi2=" + chi2);
    }

    /**
     * Uniform also across a mix of ready send and receive cases (buffered channels with room
     * and with values), and the unready cases (full, empty, nil) are never chosen.
     */
    @Test
    @Timeout(60)
    void selectChoosesUniformlyAmongReadySendAndReceiveCases() throws Exception {
        int runs = 30_000;
        long[] counts = new long[6];
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Integer> roomy = Chan.make(2 * runs + 16), full = Chan.make(1), empty = Chan.make(1);
                Chan<Integer> stocked = Chan.make(runs + 1);
                full.send(-1);
                for (int i = 0; i < runs; i++) {
                    stocked.send(i);
                }
                Select s = new Select()
                        .send(roomy, 1, null)          // 0: ready
                        .send(full, 2, null)           // 1: never ready
                        .recv(stocked, null)           // 2: ready
                        .recv(empty, null)             // 3: never ready
                        .recv(Chan.<Integer>nil(), null) // 4: never ready
                        .send(roomy, 3, null);         // 5: ready
                for (int r = 0; r < runs; r++) {
                    counts[s.run()]++;
                }
                assertEquals(1, full.len());
            });
        }
        assertEquals(0, counts[1] + counts[3] + counts[4], () -> "an unready case was chosen: " + java.util.Arrays.toString(counts));
        long[] ready = {counts[0], counts[2], counts[5]};
        double chi = chiSquare(ready);
        assertTrue(chi < 41.4, () -> "not uniform: " + java.util.Arrays.toString(counts) + " chi2=" + chi); // df 2, p 1e-9
    }

    static double chiSquare(long[] observed) {
        long total = 0;
        for (long o : observed) {
            total += o;
        }
        double expected = (double) total / observed.length, chi = 0;
        for (long o : observed) {
            chi += (o - expected) * (o - expected) / expected;
        }
        return chi;
    }

    // ---- select.go ----

    /**
     * select.go: a loop of selects over two buffered channels, a case nil-ed out after it fired,
     * {@code default} ends the loop; the case values are evaluated once per select (counter 10).
     */
    @Test
    @Timeout(30)
    void selectNilsOutFiredCasesAndEndsOnDefault() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                int[] counter = {0}, shift = {0};
                java.util.function.IntSupplier getValue = () -> {
                    counter[0]++;
                    return 1 << shift[0];
                };
                java.util.function.BiFunction<Chan<Integer>, Chan<Integer>, Integer> send = (a0, b0) -> {
                    Chan<Integer>[] ab = pair(a0, b0);
                    int i = 0;
                    try {
                        for (;;) {
                            int chosen = new Select()
                                    .send(ab[0], getValue.getAsInt(), null)
                                    .send(ab[1], getValue.getAsInt(), null)
                                    .otherwise(null)
                                    .run();
                            if (chosen == 2) {
                                return i;
                            }
                            i++;
                            ab[chosen] = Chan.nil();
                            shift[0]++;
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                };
                Chan<Integer> a = Chan.make(1), b = Chan.make(1);
                assertEquals(2, send.apply(a, b));
                int av = a.receive(), bv = b.receive();
                assertEquals(3, av | bv, "bad values " + av + " " + bv);
                assertEquals(1, send.apply(a, Chan.nil()));
                assertEquals(10, counter[0]);
            });
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Chan<Integer>[] pair(Chan<Integer> a, Chan<Integer> b) {
        return new Chan[] {a, b};
    }

    // ---- nonblock.go ----

    /**
     * nonblock.go, for buffer sizes 0 and 1 and int/long/boolean/String values: a non-blocking
     * receive from an empty channel (tryReceive and select-with-default) never succeeds; with a
     * peer goroutine waiting, a non-blocking send or receive succeeds within maxTries retries.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void nonblockingSendAndReceive(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int buffer = 0; buffer < 2; buffer++) {
                    nonblock(env, buffer, 123, 234, true);
                    nonblock(env, buffer, 123456L, 234567L, false);
                    nonblock(env, buffer, Boolean.TRUE, Boolean.TRUE, true);
                    nonblock(env, buffer, "hello", "hello again", false);
                }
            });
        }
    }

    private static final int MAX_TRIES = 10_000;

    /** One nonblock.go round; {@code useSelect} picks select-with-default over trySend/tryReceive. */
    private static <T> void nonblock(Env env, int buffer, T toReceiver, T fromSender, boolean useSelect) throws Exception {
        Chan<T> c = Chan.make(buffer);
        Chan<Boolean> sync = Chan.make();
        assertNull(c.tryReceive(), "blocked sender");
        assertEquals(1, new Select().recv(c, v -> fail("blocked sender")).otherwise(null).run());

        env.go(() -> {
            assertEquals(toReceiver, c.receive());
            sync.send(true);
        });
        for (int tries = 0; ; tries++) {
            boolean sent = useSelect
                    ? new Select().send(c, toReceiver, null).otherwise(null).run() == 0
                    : c.trySend(toReceiver);
            if (sent) {
                break;
            }
            assertTrue(tries < MAX_TRIES, "receiver buffer=" + buffer);
            pause();
        }
        sync.receive();

        env.go(() -> {
            c.send(fromSender);
            sync.send(true);
        });
        if (buffer > 0) {
            sync.receive();
        }
        Object[] got = new Object[1];
        for (int tries = 0; ; tries++) {
            boolean received = useSelect
                    ? new Select().recv(c, v -> got[0] = v).otherwise(null).run() == 0
                    : (got[0] = c.tryReceive()) != null;
            if (received) {
                break;
            }
            assertTrue(tries < MAX_TRIES, "sender buffer=" + buffer);
            pause();
        }
        assertEquals(fromSender, got[0]);
        if (buffer == 0) {
            sync.receive();
        }
    }

    /** nonblock.go's sleep(): a short wait and some yields. */
    private static void pause() throws InterruptedException {
        Thread.sleep(Duration.ofNanos(10_000));
        Go.yield();
        Go.yield();
    }

    // ---- doubleselect.go ----

    /**
     * doubleselect.go: one sender selects over 4 unbuffered channels, 4 mux goroutines forward
     * into one channel; no value is delivered twice, and (beyond Go's check) none is lost.
     */
    @ParameterizedTest
    @EnumSource(value = Env.Kind.class, names = {"GOLOOM", "VIRTUAL"})
    @Timeout(60)
    void doubleSelectDeliversEachValueOnce(Env.Kind kind) throws Exception {
        int iterations = kind == Env.Kind.GOLOOM ? 50_000 : 20_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(iterations);
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                List<Chan<Integer>> cs = List.of(Chan.make(), Chan.make(), Chan.make(), Chan.make());
                Chan<Boolean> done = Chan.make();
                Chan<Integer> cmux = Chan.make();
                env.go(() -> {
                    for (int i = 0; i < iterations; i++) {
                        int v = i;
                        new Select().send(cs.get(0), v, null).send(cs.get(1), v, null)
                                .send(cs.get(2), v, null).send(cs.get(3), v, null).run();
                    }
                    for (Chan<Integer> c : cs) {
                        c.close();
                    }
                });
                for (Chan<Integer> c : cs) {
                    env.go(() -> {
                        for (int v : c) {
                            cmux.send(v);
                        }
                        done.send(true);
                    });
                }
                env.go(() -> {
                    for (int i = 0; i < 4; i++) {
                        done.receive();
                    }
                    cmux.close();
                });
                for (int v : cmux) {
                    assertEquals(1, seen.incrementAndGet(v), () -> "got duplicate value: " + v);
                }
            });
        }
        for (int i = 0; i < iterations; i++) {
            assertEquals(1, seen.get(i), "value " + i);
        }
    }

    // ---- fifo.go ----

    /** fifo.go's AsynchFifo, at its N = 10 and at 1,000: a buffered channel returns values in send order. */
    @ParameterizedTest
    @ValueSource(ints = {10, 1_000})
    void asynchFifo(int n) throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make(n);
                for (int i = 0; i < n; i++) {
                    ch.send(i);
                }
                assertEquals(n, ch.len());
                for (int i = 0; i < n; i++) {
                    assertEquals(i, ch.receive(), "bad receive");
                }
            });
        }
    }

    /**
     * fifo.go's SynchFifo with 1,000 links: a daisy chain of goroutines, each waiting for its
     * predecessor's signal, then receiving from one shared unbuffered channel the value it
     * expects.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void synchFifo(Env.Kind kind) throws Exception {
        int n = kind == Env.Kind.PLATFORM ? 200 : 1_000;
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make();
                Chan<Integer> in = Chan.make();
                Chan<Integer> start = in;
                for (int i = 0; i < n; i++) {
                    Chan<Integer> out = Chan.make(), prev = in;
                    int val = i;
                    env.go(() -> {
                        prev.receive();
                        assertEquals(val, ch.receive());
                        out.send(1);
                    });
                    in = out;
                }
                start.send(0);
                for (int i = 0; i < n; i++) {
                    ch.send(i);
                }
                in.receive();
            });
        }
    }

    /**
     * Many senders chained on one channel (buffered and unbuffered): each sender's values arrive
     * in the order it sent them, whatever the interleaving.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64})
    @Timeout(60)
    void perSenderOrderIsPreserved(int capacity) throws Exception {
        int senders = 8, each = 5_000;
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<long[]> ch = Chan.make(capacity);
                for (int s = 0; s < senders; s++) {
                    int me = s;
                    env.go(() -> {
                        for (int i = 0; i < each; i++) {
                            ch.send(new long[] {me, i});
                        }
                    });
                }
                int[] next = new int[senders];
                for (int r = 0; r < senders * each; r++) {
                    long[] v = ch.receive();
                    assertEquals(next[(int) v[0]]++, v[1], "sender " + v[0] + " out of order");
                }
                assertNull(ch.tryReceive());
            });
        }
    }

    /**
     * Go's queues of blocked goroutines are FIFO: senders that blocked one after the other on an
     * unbuffered channel are received in that order, and so are receivers served by sends.
     */
    @Test
    @Timeout(60)
    void blockedSendersAndReceiversAreServedInArrivalOrder() throws Exception {
        int n = 50;
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make();
                for (int i = 0; i < n; i++) {
                    int v = i;
                    Env.awaitBlocked(env.go(() -> ch.send(v)));
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(i, ch.receive(), "blocked senders out of order");
                }
                Chan<Integer> order = Chan.make(n);
                for (int i = 0; i < n; i++) {
                    int me = i;
                    Env.awaitBlocked(env.go(() -> order.send(me * 1_000 + ch.receive())));
                }
                for (int i = 0; i < n; i++) {
                    ch.send(i);
                }
                for (int i = 0; i < n; i++) {
                    int v = order.receive();
                    assertEquals(v / 1_000, v % 1_000, "receiver " + v / 1_000 + " got " + v % 1_000);
                }
            });
        }
    }

    // ---- perm.go (compile-time in Go) ----

    /**
     * perm.go checks channel direction rules at compile time, which Java's single {@code Chan}
     * type has no equivalent of; what does carry over at run time is that the values received
     * are a permutation of the values sent: 4 senders and 4 receivers over unbuffered and
     * buffered channels, every value exactly once.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16})
    @Timeout(60)
    void receivedValuesArePermutationOfSent(int capacity) throws Exception {
        int senders = 4, receivers = 4, each = 10_000, total = senders * each;
        AtomicIntegerArray got = new AtomicIntegerArray(total);
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make(capacity);
                Chan<Boolean> sendersDone = Chan.make(senders);
                for (int s = 0; s < senders; s++) {
                    int base = s * each;
                    env.go(() -> {
                        for (int i = 0; i < each; i++) {
                            ch.send(base + i);
                        }
                        sendersDone.send(true);
                    });
                }
                Chan<Boolean> receiversDone = Chan.make(receivers);
                for (int r = 0; r < receivers; r++) {
                    env.go(() -> {
                        for (int v : ch) {
                            got.incrementAndGet(v);
                        }
                        receiversDone.send(true);
                    });
                }
                for (int s = 0; s < senders; s++) {
                    sendersDone.receive();
                }
                ch.close();
                for (int r = 0; r < receivers; r++) {
                    receiversDone.receive();
                }
            });
        }
        for (int i = 0; i < total; i++) {
            assertEquals(1, got.get(i), "value " + i);
        }
    }

    // ---- zerosize.go ----

    /** An empty record: a zero-size element in Java. */
    private record Empty() {
    }

    /**
     * zerosize.go: channels of zero-size elements, unbuffered and buffered. {@code Chan<Void>}
     * can only be closed (null elements are rejected), which releases every receiver; a
     * channel of an empty record carries values like any other.
     */
    @Test
    @Timeout(30)
    void zeroSizeElements() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                for (int cap : new int[] {0, 1}) {
                    Chan<Void> done = Chan.make(cap);
                    assertEquals(cap, done.cap());
                    assertThrows(NullPointerException.class, () -> done.send(null));
                    assertThrows(NullPointerException.class, () -> done.trySend(null));
                    int n = 100;
                    CountDownLatch released = new CountDownLatch(n);
                    for (int i = 0; i < n; i++) {
                        env.go(() -> {
                            assertNull(done.receive());
                            released.countDown();
                        });
                    }
                    assertFalse(released.await(20, TimeUnit.MILLISECONDS));
                    done.close();
                    assertTrue(released.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                    assertNull(done.receive());
                    assertNull(done.tryReceive());

                    Chan<Empty> e = Chan.make(cap);
                    Empty one = new Empty();
                    env.go(() -> e.send(one));
                    assertSame(one, e.receive());
                    if (cap > 0) {
                        assertTrue(e.trySend(one));
                        assertFalse(e.trySend(new Empty()));
                        assertEquals(1, e.len());
                        assertSame(one, e.receive());
                    }
                }
                Chan<Empty> big = Chan.make(1_000);
                for (int i = 0; i < 1_000; i++) {
                    big.send(new Empty());
                }
                assertEquals(1_000, big.len());
                big.close();
                int count = 0;
                for (Empty x : big) {
                    count++;
                }
                assertEquals(1_000, count);
            });
        }
    }

    // ---- goroutines.go ----

    /**
     * goroutines.go: 10,000 goroutines chained by unbuffered channels, each doing
     * {@code left <- <-right}; one value ripples through and every goroutine ends.
     */
    @ParameterizedTest
    @EnumSource(value = Env.Kind.class, names = {"GOLOOM", "VIRTUAL"})
    @Timeout(60)
    void chainOfTenThousandGoroutines(Env.Kind kind) throws Exception {
        int n = 10_000;
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> leftmost = Chan.make();
                Chan<Integer> left = leftmost, right = leftmost;
                for (int i = 0; i < n; i++) {
                    right = Chan.make();
                    Chan<Integer> l = left, r = right;
                    env.go(() -> l.send(r.receive() + 1));
                    left = right;
                }
                Chan<Integer> last = right;
                env.go(() -> last.send(1));
                assertEquals(n + 1, leftmost.receive());
            });
            Env.awaitCondition(() -> env.live() == 0, WAIT, "the chain to end");
            if (env.rt != null) {
                Env.awaitCondition(() -> env.rt.goroutines() == 0, WAIT, "goroutines() to drop to 0");
            }
        }
    }

    // ---- select3.go / select5.go: nil and closed channels in select ----

    /**
     * select3.go's table, for the cases that do not block forever: nil cases are never chosen,
     * default never blocks, a buffered send with room and a receive of a buffered value do not
     * block, a receive from a closed channel never blocks and yields null (Go's (0, false)),
     * and a send on a closed channel throws, plain or inside a select.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void select3ClosedAndNilChannelTable(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> nilch = Chan.nil();
                Chan<Integer> closedch = Chan.make();
                closedch.close();

                assertEquals(1, new Select().send(nilch, 7, () -> fail("unreachable")).otherwise(null).run());
                assertEquals(1, new Select().recv(nilch, v -> fail("unreachable")).otherwise(null).run());

                Chan<Integer> async = Chan.make(1);
                async.send(7);
                assertEquals(1, async.len());

                for (int i = 0; i < 10; i++) {
                    assertNull(closedch.receive(), "expected the closed state from a closed channel");
                    assertNull(closedch.tryReceive());
                }
                assertThrows(ChanClosedException.class, () -> closedch.send(7));
                assertThrows(ChanClosedException.class, () -> closedch.trySend(7));

                assertEquals(0, new Select().otherwise(null).run());
                assertEquals(1, new Select().recv(nilch, v -> fail("unreachable")).otherwise(null).run());
                assertEquals(1, new Select().send(nilch, 7, () -> fail("unreachable")).otherwise(null).run());

                Chan<Integer> ch = Chan.make(1);
                boolean[] ran = {false};
                assertEquals(0, new Select().send(ch, 7, () -> ran[0] = true).otherwise(() -> fail("unreachable")).run());
                assertTrue(ran[0], "onSent did not run");
                Integer[] got = {null};
                Chan<Integer> ch2 = Chan.make(1);
                ch2.send(7);
                assertEquals(0, new Select().recv(ch2, v -> got[0] = v).otherwise(() -> fail("unreachable")).run());
                assertEquals(7, got[0]);

                // Selects with closed channels behave like ordinary operations.
                boolean[] closedSeen = {false};
                assertEquals(0, new Select().recv(closedch, v -> {
                    assertNull(v);
                    closedSeen[0] = true;
                }).run());
                assertTrue(closedSeen[0]);
                assertEquals(1, new Select().recv(nilch, null).recv(closedch, null).otherwise(null).run(),
                        "a closed channel is ready, default is not taken");
                assertThrows(ChanClosedException.class, () -> new Select().send(closedch, 7, null).run());
                assertThrows(ChanClosedException.class, () -> new Select().send(closedch, 7, null).otherwise(null).run());
            });
        }
    }

    /**
     * select3.go's blocking cases: nil send/receive, a receive from an empty channel, an empty
     * select, a select of nil cases, and a select with both a send and a receive on the same
     * unbuffered channel (it must not match itself) all block: each, given a timeout case or
     * run in a goroutine, is still blocked after 50 ms.
     */
    @Test
    @Timeout(30)
    void select3BlockingCases() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Integer> nilch = Chan.nil();
                Duration d = Duration.ofMillis(50);
                assertEquals(1, new Select().recv(nilch, v -> fail()).timeout(d, null).run());
                assertEquals(1, new Select().send(nilch, 7, () -> fail()).timeout(d, null).run());
                assertEquals(2, new Select().recv(nilch, v -> fail()).send(nilch, 7, () -> fail()).timeout(d, null).run());
                assertEquals(0, new Select().timeout(d, null).run());
                Chan<Integer> ch = Chan.make();
                assertEquals(1, new Select().recv(ch, v -> fail()).timeout(d, null).run());
                assertEquals(2, new Select().send(ch, 1, () -> fail("matched itself"))
                        .recv(ch, v -> fail("matched itself")).timeout(d, null).run());
                assertNull(ch.tryReceive());
                assertFalse(ch.trySend(1));

                List<Thread> blocked = new ArrayList<>();
                blocked.add(env.go(() -> nilch.send(7)));
                blocked.add(env.go(nilch::receive));
                blocked.add(env.go(() -> new Select().run()));
                blocked.add(env.go(() -> new Select().recv(nilch, null).send(nilch, 7, null).run()));
                blocked.add(env.go(() -> Chan.make().receive()));
                for (Thread t : blocked) {
                    Env.awaitBlocked(t);
                }
                Thread.sleep(50);
                for (Thread t : blocked) {
                    assertTrue(t.isAlive(), t + " did not block");
                }
            });
        }
    }

    // ---- select6.go ----

    /**
     * select6.go (issue 2075): a select that lost on c1 is removed from c1's queue, so the
     * two later sends on c1 reach the two real receivers.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void select6LosingSelectLeavesNoWaiter(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int round = 0; round < 200; round++) {
                    Chan<Boolean> c1 = Chan.make(), c2 = Chan.make(), c3 = Chan.make();
                    List<Thread> threads = new ArrayList<>();
                    threads.add(env.go(c1::receive));
                    threads.add(env.go(() -> {
                        int chosen = new Select()
                                .recv(c1, v -> fail("dummy"))
                                .recv(c2, v -> { })
                                .run();
                        assertEquals(1, chosen);
                        c3.send(true);
                        c1.receive();
                    }));
                    threads.add(env.go(() -> c2.send(true)));
                    c3.receive();
                    c1.send(true);
                    c1.send(true);
                    for (Thread t : threads) {
                        assertTrue(t.join(WAIT), t + " did not end");
                    }
                    ChanSemanticsTest.assertNoWaiters(c1, "c1 after select6");
                    ChanSemanticsTest.assertNoWaiters(c2, "c2 after select6");
                }
            });
        }
    }

    // ---- select7.go ----

    /** select7.go: plain, 1-case-select and 2-case-select sends × the same three receives, all 9 complete. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void select7SendAndReceiveVariants(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int s = 0; s < 3; s++) {
                    for (int r = 0; r < 3; r++) {
                        Chan<Integer> c = Chan.make();
                        int recv = r;
                        CountDownLatch got = new CountDownLatch(1);
                        env.go(() -> {
                            switch (recv) {
                                case 0 -> c.receive();
                                case 1 -> new Select().recv(c, null).run();
                                default -> assertEquals(0, new Select().recv(c, null).recv(Chan.make(), null).run());
                            }
                            got.countDown();
                        });
                        Go.yield();
                        switch (s) {
                            case 0 -> c.send(1);
                            case 1 -> new Select().send(c, 1, null).run();
                            default -> assertEquals(0, new Select().send(c, 1, null).send(Chan.make(), 1, null).run());
                        }
                        assertTrue(got.await(WAIT.toSeconds(), TimeUnit.SECONDS), "send" + (s + 1) + "(recv" + (r + 1) + ")");
                    }
                }
            });
        }
    }

    // ---- sendstmt.go ----

    /** sendstmt.go: a send case on a channel received from another ({@code case <-cc <- 2}). */
    @Test
    @Timeout(30)
    void sendCaseOnChannelReceivedFromChannel() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Chan<Integer>> cc = Chan.make(1);
                Chan<Integer> c = Chan.make(1);
                cc.send(c);
                assertEquals(0, new Select().send(cc.receive(), 2, null).otherwise(() -> fail("nonblock")).run());
                assertEquals(2, c.receive(), "bad receive");
                Chan<Boolean> b = Chan.make(1);
                b.send(false || true);
                assertTrue(b.receive(), "sent false");
            });
        }
    }

    /**
     * Send cases racing receive cases: two goroutines run selects that both send to and receive
     * from the same pair of unbuffered channels; every value sent is received exactly once.
     */
    @Test
    @Timeout(60)
    void selectsWithSendAndReceiveCasesExchangeEveryValueOnce() throws Exception {
        int n = 20_000;
        AtomicIntegerArray got = new AtomicIntegerArray(2 * n);
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Integer> x = Chan.make(), y = Chan.make();
                Chan<Boolean> done = Chan.make(2);
                for (int side = 0; side < 2; side++) {
                    Chan<Integer> out = side == 0 ? x : y, in = side == 0 ? y : x;
                    int base = side * n;
                    env.go(() -> {
                        int next = 0;
                        int[] received = {0};
                        // Each side sends its n values and receives the other's n.
                        while (next < n || received[0] < n) {
                            Select s = new Select();
                            if (next < n) {
                                s.send(out, base + next, null);
                            } else {
                                s.send(Chan.nil(), 0, null);
                            }
                            s.recv(received[0] < n ? in : Chan.<Integer>nil(), v -> {
                                got.incrementAndGet(v);
                                received[0]++;
                            });
                            if (s.run() == 0) {
                                next++;
                            }
                        }
                        done.send(true);
                    });
                }
                done.receive();
                done.receive();
            });
        }
        for (int i = 0; i < 2 * n; i++) {
            assertEquals(1, got.get(i), "value " + i);
        }
    }

}
