/**
 * Micrometer meters for goloom runtimes ({@link io.goloom.metrics.GoloomMetrics}).
 */
module io.goloom.metrics {
    requires transitive io.goloom;
    requires transitive micrometer.core;

    exports io.goloom.metrics;
}
