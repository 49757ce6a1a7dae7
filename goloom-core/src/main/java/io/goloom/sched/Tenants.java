package io.goloom.sched;

import java.util.Arrays;
import java.util.List;

/**
 * A runtime's tenants ({@link TenantShare}), by index: index 0 is the default tenant, the others
 * are made by {@code GoRuntime.tenant} and live as long as the runtime, so that a goroutine's
 * 16-bit index always names the same one.
 */
final class Tenants {

    /** Every tenant by index: copy-on-write under {@code this}, published by the volatile write. */
    private volatile TenantShare[] all;
    /**
     * Whether a tenant besides the default one exists: only then is every run timed and charged
     * ({@link M}). Written once, under {@code this}, after the tenant is in {@link #all}; read
     * by every run.
     */
    volatile boolean on;

    Tenants(int defaultWeight) {
        all = new TenantShare[] {new TenantShare(0, TenantShare.DEFAULT_NAME, defaultWeight, Integer.MAX_VALUE)};
    }

    /** The tenant of index {@code index}, which a goroutine's record holds. Any thread. */
    TenantShare get(int index) {
        return all[index];
    }

    /** The default tenant. Any thread. */
    TenantShare root() {
        return all[0];
    }

    /** Every tenant, the default one first. Any thread. */
    List<TenantShare> list() {
        return List.of(all);
    }

    /**
     * A new tenant; see {@code GoRuntime.tenant} for the arguments.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted range
     * @throws IllegalStateException if the name is taken or the runtime has its most tenants
     */
    synchronized TenantShare create(String name, int weight, int maxGoroutines) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("tenant name is blank: give it a name for metrics and dumps");
        }
        if (weight < TenantShare.MIN_WEIGHT || weight > TenantShare.MAX_WEIGHT) {
            throw new IllegalArgumentException("tenant \"" + name + "\": weight " + weight + " is outside "
                    + TenantShare.MIN_WEIGHT + "-" + TenantShare.MAX_WEIGHT + " (the default tenant's is "
                    + all[0].weight + ")");
        }
        if (maxGoroutines < 1) {
            throw new IllegalArgumentException("tenant \"" + name + "\": maxGoroutines " + maxGoroutines
                    + " is below 1 (use Integer.MAX_VALUE for no limit)");
        }
        TenantShare[] old = all;
        for (TenantShare t : old) {
            if (t.name.equals(name)) {
                throw new IllegalStateException("a tenant named \"" + name + "\" exists already"
                        + (t.index == 0 ? " (the default tenant)" : "") + ": tenants are named once per runtime");
            }
        }
        if (old.length == TenantShare.MAX_TENANTS) {
            throw new IllegalStateException("tenant \"" + name + "\": the runtime has its most tenants, "
                    + TenantShare.MAX_TENANTS + " with the default one; tenants live as long as the runtime");
        }
        TenantShare t = new TenantShare(old.length, name, weight, maxGoroutines);
        TenantShare[] grown = Arrays.copyOf(old, old.length + 1);
        grown[t.index] = t;
        all = grown;
        on = true;
        return t;
    }
}
