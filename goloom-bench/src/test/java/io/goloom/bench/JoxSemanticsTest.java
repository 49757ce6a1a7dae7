package io.goloom.bench;

import com.softwaremill.jox.Channel;
import com.softwaremill.jox.ChannelClosedException;
import com.softwaremill.jox.ChannelDone;
import com.softwaremill.jox.Select;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Jox 1.0.1 does where Go's channel rules are specific: the evidence behind the "Jox
 * evaluation" section of docs/PERFORMANCE.md. Each test asserts Jox's observed behaviour and
 * says in its name whether that is Go's; a Jox upgrade that changes one fails here, and the
 * evaluation must be read again.
 */
class JoxSemanticsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void unbufferedSendReturnsOnlyAfterAReceiverTookTheValue_asGo() throws Exception {
        Channel<Integer> ch = Channel.newRendezvousChannel();
        CountDownLatch sent = new CountDownLatch(1);
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                ch.send(7);
                sent.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // A negative check needs a bound: no receiver for 100 ms, and the send has not returned.
        assertFalse(sent.await(100, TimeUnit.MILLISECONDS), "send returned with no receiver");
        assertEquals(7, ch.receive());
        assertTrue(sent.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(sender.join(WAIT));
    }

    @Test
    void bufferedValuesAreReceivedAfterCloseThenTheClosedStateIsSeen_asGo() throws Exception {
        Channel<Integer> ch = Channel.newBufferedChannel(4);
        ch.send(1);
        ch.send(2);
        ch.done();
        assertEquals(1, ch.receive());
        assertEquals(2, ch.receive());
        // Go's `v, ok := <-ch` with ok=false is receiveOrClosed() returning ChannelDone.
        assertInstanceOf(ChannelDone.class, ch.receiveOrClosed());
        assertThrows(ChannelClosedException.class, ch::receive);
    }

    @Test
    void sendOnAClosedChannelThrows_asGoPanics() {
        Channel<Integer> ch = Channel.newBufferedChannel(4);
        ch.done();
        assertThrows(ChannelClosedException.class, () -> ch.send(1));
    }

    @Test
    void closingTwiceThrows_asGoPanics() {
        Channel<Integer> ch = Channel.newRendezvousChannel();
        ch.done();
        assertThrows(ChannelClosedException.class, ch::done);
    }

    /** Go: closing a channel makes a sender blocked on it panic. Jox delivers its value instead. */
    @Test
    void aSenderBlockedWhenTheChannelClosesStillDelivers_unlikeGo() throws Exception {
        Channel<Integer> ch = Channel.newRendezvousChannel();
        CountDownLatch outcome = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                ch.send(5);
            } catch (Throwable t) {
                thrown[0] = t;
            }
            outcome.countDown();
        });
        while (sender.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        ch.done();
        assertEquals(5, ch.receive(), "the blocked sender's value is still received after close");
        assertTrue(outcome.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(null, thrown[0], "the blocked sender returned normally");
        assertInstanceOf(ChannelDone.class, ch.receiveOrClosed());
    }

    @Test
    void nullElementsAreRejected() {
        Channel<Integer> ch = Channel.newBufferedChannel(4);
        assertThrows(NullPointerException.class, () -> ch.send(null));
    }

    @Test
    void selectWithADefaultClauseTakesItWhenNothingIsReady_asGo() throws Exception {
        Channel<Integer> ch = Channel.newBufferedChannel(4);
        assertEquals(-1, Select.select(ch.receiveClause(), Select.defaultClause(-1)));
        ch.send(3);
        assertEquals(3, Select.select(ch.receiveClause(), Select.defaultClause(-1)));
    }

    @Test
    void selectWithATimeoutReturnsTheTimeoutValue_asGo() throws Exception {
        Channel<Integer> ch = Channel.newRendezvousChannel();
        long start = System.nanoTime();
        assertEquals(-1, Select.selectOrClosedWithin(Duration.ofMillis(20), -1, ch.receiveClause()));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos());
    }

    /**
     * Go picks uniformly at random among ready cases. Jox documents a bias to the first clause;
     * measured here: with both channels always ready, the first clause wins every time.
     */
    @Test
    void selectAmongReadyClausesAlwaysPicksTheFirst_unlikeGo() throws Exception {
        Channel<Integer> a = Channel.newBufferedChannel(1);
        Channel<Integer> b = Channel.newBufferedChannel(1);
        b.send(2);
        int selects = 10_000;
        int firstWon = 0;
        for (int i = 0; i < selects; i++) {
            a.send(1);
            int v = Select.select(a.receiveClause(), b.receiveClause());
            if (v == 1) {
                firstWon++;
            } else {
                b.send(2);
                a.receive();
            }
        }
        assertEquals(selects, firstWon);
    }

    /**
     * The bias is in the order of the clauses, not the channels: an adapter that shuffles the
     * clauses on every call gets Go's uniform choice back (10,000 selects: within 45-55%).
     */
    @Test
    void shufflingTheClausesOnEveryCallMakesTheChoiceUniform() throws Exception {
        Channel<Integer> a = Channel.newBufferedChannel(1);
        Channel<Integer> b = Channel.newBufferedChannel(1);
        a.send(1);
        b.send(2);
        java.util.Random random = new java.util.Random(5);
        int selects = 10_000;
        int aWon = 0;
        for (int i = 0; i < selects; i++) {
            int v = random.nextBoolean()
                    ? Select.select(a.receiveClause(), b.receiveClause())
                    : Select.select(b.receiveClause(), a.receiveClause());
            if (v == 1) {
                aWon++;
                a.send(1);
            } else {
                b.send(2);
            }
        }
        assertTrue(aWon > selects * 45 / 100 && aWon < selects * 55 / 100, "a won " + aWon + " of " + selects);
    }

    /** Go: a closed channel's receive case is ready and yields (zero, false); the select goes on. */
    @Test
    void aClosedChannelEndsTheWholeSelect_unlikeGo() throws Exception {
        Channel<Integer> open = Channel.newBufferedChannel(1);
        Channel<Integer> closed = Channel.newBufferedChannel(1);
        closed.done();
        open.send(1);
        // The open channel has a value and comes first, so it wins (the bias above)...
        assertEquals(1, Select.selectOrClosed(open.receiveClause(), closed.receiveClause()));
        // ...but with nothing else ready, the select returns the closed state instead of a case,
        // and select() (not selectOrClosed) throws.
        Object r = Select.selectOrClosed(open.receiveClause(), closed.receiveClause());
        assertInstanceOf(ChannelDone.class, r);
        assertThrows(ChannelClosedException.class, () -> Select.select(open.receiveClause(), closed.receiveClause()));
    }

    /** Go allows two cases on one channel; Jox refuses. Go's nil channel has no Jox value: leave the clause out. */
    @Test
    void oneChannelInTwoClausesIsRefused_unlikeGo() {
        Channel<Integer> ch = Channel.newBufferedChannel(1);
        assertThrows(IllegalArgumentException.class,
                () -> Select.select(ch.receiveClause(), ch.receiveClause(), Select.defaultClause(0)));
    }

    /**
     * A waiter on a rendezvous channel (and a select over rendezvous channels only) spins
     * {@code RENDEZVOUS_SPINS} times {@code Thread.onSpinWait()} before it parks: 0 on one
     * processor, 128 on up to 4, 1024 above. On goloom a spinning goroutine holds its P.
     */
    @Test
    void rendezvousWaitersSpinBeforeParking() throws Exception {
        Class<?> continuation = Class.forName("com.softwaremill.jox.Continuation");
        Field spins = continuation.getDeclaredField("RENDEZVOUS_SPINS");
        spins.setAccessible(true);
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(cpus == 1 ? 0 : cpus <= 4 ? 128 : 1024, spins.getInt(null));
    }
}
