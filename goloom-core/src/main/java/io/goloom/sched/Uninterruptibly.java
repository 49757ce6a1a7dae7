package io.goloom.sched;

import java.util.concurrent.CountDownLatch;

/**
 * Waits that must not be abandoned halfway (a start or a probe the caller's next step depends
 * on): an interrupt is remembered, the wait goes on, and the interrupt status is set again when
 * it is over. A latch, not a functional interface, so that start-up bootstraps no lambda (see
 * "Start-up" in package-info).
 */
final class Uninterruptibly {

    private Uninterruptibly() {
    }

    /** Waits until {@code latch} is zero, interrupts or not; the caller's interrupt status is kept. */
    static void await(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
