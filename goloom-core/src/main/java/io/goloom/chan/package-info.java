/**
 * Go's channels: {@link io.goloom.chan.Chan} (unbuffered, buffered, nil; close; iteration) and
 * {@link io.goloom.chan.Select} (random choice among ready cases, default, timeout).
 *
 * <p>The implementation follows Go's {@code runtime/chan.go} and {@code select.go}: a spin lock
 * per channel, FIFO queues of {@code Sudog}s (one per blocked case) sharing a {@code Waiter}
 * whose one CAS decides which case of a blocked select proceeded. Blocked threads park with
 * {@code LockSupport}, so the package works on any thread; inside a goloom goroutine a readied
 * peer goes to the waker's P ({@code runnext}) and select timeouts use the P's timer heap.
 *
 * <p>Depends on {@code java.base}, the leaf types of {@code io.goloom}, and of
 * {@code io.goloom.sched} only {@code Current} (the preemption checkpoint, wait reasons, the P's
 * timers) and the {@code Timer} it hands out.
 */
package io.goloom.chan;
