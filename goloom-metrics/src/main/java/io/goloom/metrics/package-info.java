/**
 * goloom's scheduler as Micrometer meters: {@link io.goloom.metrics.GoloomMetrics}, a
 * {@code MeterBinder} for one {@link io.goloom.GoRuntime}, and the per-scrape snapshot cache its
 * meters read through.
 *
 * <p>Depends on goloom-core's public API ({@code io.goloom}, never {@code io.goloom.sched}) and on
 * {@code micrometer-core}; it names no registry, so any Micrometer backend (Prometheus, OTLP, JMX,
 * ...) can carry the meters.
 */
package io.goloom.metrics;
