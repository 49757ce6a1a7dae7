package io.goloom;

import io.goloom.chan.Chan;
import io.goloom.chan.Select;
import io.goloom.context.CancelContext;
import io.goloom.context.Context;
import io.goloom.context.ContextException;
import io.goloom.sync.WaitGroup;

import java.time.Duration;

/** Forked by {@link MissingAddOpensTest} without the flag: the toolkit on platform and JDK virtual threads. */
public final class ChannelsWithoutGoloomMain {

    static final String OK = "channels-without-goloom-ok";

    private ChannelsWithoutGoloomMain() {
    }

    public static void main(String[] args) throws Exception {
        Chan<Integer> ch = Chan.make();
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    ch.send(i);
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                ch.close();
            }
        });
        long sum = 0;
        for (int v : ch) {
            sum += v;
        }
        producer.join();
        check(sum == 999 * 1000 / 2, "sum " + sum);

        try (CancelContext ctx = Context.background().withTimeout(Duration.ofMillis(20))) {
            int chosen = new Select().recv(Chan.make(), null).recv(ctx.done(), null).run();
            check(chosen == 1 && ctx.err() == ContextException.DEADLINE_EXCEEDED, "deadline via select");
        }
        WaitGroup wg = new WaitGroup();
        Chan<Integer> buffered = Chan.make(8);
        for (int i = 0; i < 8; i++) {
            int k = i;
            wg.go(() -> check(buffered.trySend(k), "room in the buffer"));
        }
        wg.await();
        check(buffered.len() == 8, "len " + buffered.len());
        System.out.println(OK);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
