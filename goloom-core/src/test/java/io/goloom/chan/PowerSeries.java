package io.goloom.chan;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Doug McIlroy's power series (Go's {@code test/chan/powser1.go}, from Newsqueak), ported
 * operation by operation: a series is a demand channel pair (send a request on {@code req},
 * receive the next coefficient on {@code dat}), every operator is a goroutine network, and
 * {@code getn} multiplexes two series with a select whose finished cases become nil channels.
 * The goroutines never end (as in Go); the test's {@link Env} interrupts them when it closes.
 */
final class PowerSeries {

    /** A rational; a zero denominator marks the end of a series. */
    record Rat(long num, long den) {
        boolean end() {
            return den == 0;
        }

        @Override
        public String toString() {
            return den == 1 ? Long.toString(num) : num + "/" + den;
        }
    }

    /** A demand channel: a request on {@code req} is answered on {@code dat}. */
    static final class Dch {
        final Chan<Integer> req = Chan.make();
        final Chan<Rat> dat = Chan.make();
    }

    static final Rat ZERO = itor(0), ONE = itor(1), FINIS = i2tor(1, 0);

    private final Env env;
    /** The request numbers (a racy global in Go; only sent, never checked). */
    private final AtomicInteger seqno = new AtomicInteger();
    final Dch ones, twos;

    PowerSeries(Env env) {
        this.env = env;
        ones = rep(ONE);
        twos = rep(itor(2));
    }

    // ---- rationals, verbatim ----

    static long gcd(long u, long v) {
        if (u < 0) {
            return gcd(-u, v);
        }
        if (u == 0) {
            return v;
        }
        return gcd(v % u, u);
    }

    static Rat i2tor(long u, long v) {
        long g = gcd(u, v);
        return v > 0 ? new Rat(u / g, v / g) : new Rat(-u / g, -v / g);
    }

    static Rat itor(long u) {
        return i2tor(u, 1);
    }

    static Rat add(Rat u, Rat v) {
        long g = gcd(u.den, v.den);
        return i2tor(u.num * (v.den / g) + v.num * (u.den / g), u.den * (v.den / g));
    }

    static Rat mul(Rat u, Rat v) {
        long g1 = gcd(u.num, v.den);
        long g2 = gcd(u.den, v.num);
        return new Rat((u.num / g1) * (v.num / g2), (u.den / g2) * (v.den / g1));
    }

    static Rat neg(Rat u) {
        return i2tor(-u.num, u.den);
    }

    // ---- demand channels ----

    static Dch[] mkdch2() {
        return new Dch[] {new Dch(), new Dch()};
    }

    /**
     * Replicates {@code in} onto {@code out[0]} and {@code out[1]}, read at different rates: one
     * goroutine per value, generations handing over through {@code wait} (see powser1.go).
     */
    private void dosplit(Dch in, Dch[] out, Chan<Integer> wait) throws InterruptedException {
        boolean both = false;
        if (new Select().recv(out[0].req, null).recv(wait, null).run() == 1) {
            both = true;
            if (new Select().recv(out[0].req, null).recv(out[1].req, null).run() == 1) {
                Dch t = out[0];
                out[0] = out[1];
                out[1] = t;
            }
        }
        in.req.send(seqno.incrementAndGet());
        Chan<Integer> release = Chan.make();
        env.go(() -> dosplit(in, out, release));
        Rat dat = in.dat.receive();
        out[0].dat.send(dat);
        if (!both) {
            wait.receive();
        }
        out[1].req.receive();
        out[1].dat.send(dat);
        release.send(0);
    }

    private void split(Dch in, Dch[] out) throws InterruptedException {
        Chan<Integer> release = Chan.make();
        env.go(() -> dosplit(in, out, release));
        release.send(0);
    }

    static void put(Rat dat, Dch out) throws InterruptedException {
        out.req.receive();
        out.dat.send(dat);
    }

    Rat get(Dch in) throws InterruptedException {
        in.req.send(seqno.incrementAndGet());
        return in.dat.receive();
    }

    /** One value from each of two series, requests and replies in whatever order they come. */
    Rat[] get2(Dch in0, Dch in1) throws InterruptedException {
        Rat[] out = new Rat[2];
        Chan<Integer> req0 = in0.req, req1 = in1.req;
        Chan<Rat> dat0 = Chan.nil(), dat1 = Chan.nil();
        for (int n = 4; n > 0; n--) {
            int s = seqno.incrementAndGet();
            int chosen = new Select()
                    .send(req0, s, null)
                    .send(req1, s, null)
                    .recv(dat0, v -> out[0] = v)
                    .recv(dat1, v -> out[1] = v)
                    .run();
            switch (chosen) {
                case 0 -> {
                    dat0 = in0.dat;
                    req0 = Chan.nil();
                }
                case 1 -> {
                    dat1 = in1.dat;
                    req1 = Chan.nil();
                }
                case 2 -> dat0 = Chan.nil();
                case 3 -> dat1 = Chan.nil();
                default -> throw new AssertionError("select returned " + chosen);
            }
        }
        return out;
    }

    private void copy(Dch in, Dch out) throws InterruptedException {
        for (;;) {
            out.req.receive();
            out.dat.send(get(in));
        }
    }

    // ---- series ----

    Dch[] split(Dch u) {
        Dch[] uu = mkdch2();
        env.go(() -> split(u, uu));
        return uu;
    }

    Dch add(Dch u, Dch v) {
        Dch z = new Dch();
        env.go(() -> {
            for (;;) {
                z.req.receive();
                Rat[] uv = get2(u, v);
                switch ((uv[0].end() ? 1 : 0) + 2 * (uv[1].end() ? 1 : 0)) {
                    case 0 -> z.dat.send(add(uv[0], uv[1]));
                    case 1 -> {
                        z.dat.send(uv[1]);
                        copy(v, z);
                    }
                    case 2 -> {
                        z.dat.send(uv[0]);
                        copy(u, z);
                    }
                    default -> z.dat.send(FINIS);
                }
            }
        });
        return z;
    }

    Dch cmul(Rat c, Dch u) {
        Dch z = new Dch();
        env.go(() -> {
            boolean done = false;
            while (!done) {
                z.req.receive();
                Rat r = get(u);
                if (r.end()) {
                    done = true;
                } else {
                    z.dat.send(mul(c, r));
                }
            }
            z.dat.send(FINIS);
        });
        return z;
    }

    Dch sub(Dch u, Dch v) {
        return add(u, cmul(neg(ONE), v));
    }

    Dch rep(Rat c) {
        Dch z = new Dch();
        env.go(() -> {
            for (;;) {
                put(c, z);
            }
        });
        return z;
    }

    Dch mul(Dch u, Dch v) {
        Dch z = new Dch();
        env.go(() -> {
            z.req.receive();
            Rat[] uv = get2(u, v);
            if (uv[0].end() || uv[1].end()) {
                z.dat.send(FINIS);
            } else {
                z.dat.send(mul(uv[0], uv[1]));
                Dch[] uu = split(u);
                Dch[] vv = split(v);
                Dch w = add(cmul(uv[0], vv[0]), cmul(uv[1], uu[0]));
                z.req.receive();
                z.dat.send(get(w));
                copy(add(w, mul(uu[1], vv[1])), z);
            }
        });
        return z;
    }

    Dch diff(Dch u) {
        Dch z = new Dch();
        env.go(() -> {
            z.req.receive();
            Rat r = get(u);
            if (!r.end()) {
                boolean done = false;
                for (int i = 1; !done; i++) {
                    r = get(u);
                    if (r.end()) {
                        done = true;
                    } else {
                        z.dat.send(mul(itor(i), r));
                        z.req.receive();
                    }
                }
            }
            z.dat.send(FINIS);
        });
        return z;
    }

    Dch integ(Rat c, Dch u) {
        Dch z = new Dch();
        env.go(() -> {
            put(c, z);
            boolean done = false;
            for (int i = 1; !done; i++) {
                z.req.receive();
                Rat r = get(u);
                if (r.end()) {
                    done = true;
                }
                z.dat.send(mul(i2tor(1, i), r));
            }
            z.dat.send(FINIS);
        });
        return z;
    }

    /** exp(U) for U with constant term 0: Z = 1 + integral of Z * U'. */
    Dch exp(Dch u) throws InterruptedException {
        Dch[] zz = mkdch2();
        split(integ(ONE, mul(zz[0], diff(u))), zz);
        return zz[1];
    }

    /** U(c0 x^n). */
    Dch monSubst(Dch u, Rat c0, int n) {
        Dch z = new Dch();
        env.go(() -> {
            Rat c = ONE;
            for (;;) {
                z.req.receive();
                Rat r = get(u);
                z.dat.send(mul(r, c));
                c = mul(c, c0);
                if (r.end()) {
                    z.dat.send(FINIS);
                    break;
                }
                for (int i = 1; i < n; i++) {
                    z.req.receive();
                    z.dat.send(ZERO);
                }
            }
        });
        return z;
    }

    /** Go's printn: the first {@code n} terms, space-separated, as Go prints them. */
    String printn(Dch u, int n) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        for (; n > 0; n--) {
            Rat r = get(u);
            if (r.end()) {
                break;
            }
            sb.append(r).append(' ');
        }
        return sb.toString().trim();
    }
}
