/**
 * Go's {@code sync} and {@code errgroup} toolkit: {@link io.goloom.sync.WaitGroup},
 * {@link io.goloom.sync.Once}, {@link io.goloom.sync.ErrGroup}. Built on
 * {@code java.util.concurrent} (AQS, {@code ReentrantLock}, {@code Semaphore}), so each works on
 * any thread; inside goloom their parks are goloom parks.
 *
 * <p>Depends on {@code java.base}, {@code io.goloom} (starting goroutines),
 * of {@code io.goloom.sched} only {@code Current} (the preemption checkpoint) and
 * {@code io.goloom.context}.
 */
package io.goloom.sync;
