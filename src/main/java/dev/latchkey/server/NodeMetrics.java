package dev.latchkey.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One node's meters, scraped at {@code GET /metrics} in Prometheus's text format (and the node's own counters as JSON at
 * {@code GET /admin/v1/metrics}): the JVM's (memory, collections, threads, class loading, processor, uptime), the
 * database pool's (HikariCP), requests by route, and what the node counts itself (logins, lockouts, risk actions,
 * webhook and message deliveries). Per node: a cluster is summed by Prometheus.
 */
final class NodeMetrics implements AutoCloseable {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    NodeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Stops listening to the collector's notifications (several nodes may live and die in one JVM: the tests). */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
