package dev.cadre.server.config;

import dev.cadre.micrometer.CadreMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The meters of a server built from a config: a Prometheus registry with Cadre's run meters and the JVM's basics.
 * Closing it stops the garbage collection meters' listening and closes the registry.
 */
final class ServerMeters implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final CadreMetrics runs;
    private final JvmGcMetrics gc;

    private ServerMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.runs = CadreMetrics.create(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    static ServerMeters create() {
        return new ServerMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The run listener to register on the server's run manager (and to bind to it). */
    CadreMetrics runs() {
        return runs;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
