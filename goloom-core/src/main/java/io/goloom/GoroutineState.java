package io.goloom;

/**
 * Where a goroutine is in its life, as goloom's scheduler sees it (Go's {@code _Grunnable},
 * {@code _Grunning}, {@code _Gwaiting}, {@code _Gdead}).
 *
 * <p>The state is read without stopping the goroutine, so it may already be stale when the
 * caller looks at it; it is meant for diagnostics, not for synchronisation (use
 * {@link GoHandle#join()} for that).
 */
public enum GoroutineState {
    /** Created but not yet started. */
    NEW,
    /** Ready to run: in a run queue, a {@code runnext} slot or the global queue. */
    RUNNABLE,
    /** Mounted on a carrier (an M) and running. */
    RUNNING,
    /** Parked, sleeping or blocked: in no run queue until something readies it. */
    WAITING,
    /** Finished. */
    DEAD
}
