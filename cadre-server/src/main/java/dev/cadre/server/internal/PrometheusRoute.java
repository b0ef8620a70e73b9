package dev.cadre.server.internal;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code GET /metrics/prometheus}: the server's meters for a Prometheus scrape. Cadre's own, beside AgentOS's
 * {@code GET /metrics} (usage by day, as JSON), which it leaves as it is. Authenticated like every other route:
 * {@code GET /metrics/**} needs {@code metrics:read} under JWT authorization.
 */
final class PrometheusRoute {

    private static final String OPEN_METRICS = "application/openmetrics-text";
    /**
     * The content types of the Prometheus client's text writers ({@code PrometheusTextFormatWriter} and
     * {@code OpenMetricsTextFormatWriter}, which Micrometer picks by them); that module is only at run time here.
     */
    static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final Optional<PrometheusMeterRegistry> registry;

    PrometheusRoute(Optional<PrometheusMeterRegistry> registry) {
        this.registry = registry;
    }

    /**
     * Prometheus's text format 0.0.4, or OpenMetrics 1.0 when the scraper's {@code Accept} asks for it. Never the
     * protobuf format, which a scraper asking for it falls back from (its Accept header lists the text format too).
     */
    void scrape(Context ctx) {
        PrometheusMeterRegistry meters = registry.orElseThrow(() -> new ApiException(404,
                "This server exports no Prometheus metrics: give its builder a registry with prometheus(...)"));
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
        String type = accept.contains(OPEN_METRICS) ? OPEN_METRICS_TYPE : TEXT_TYPE;
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        try {
            meters.scrape(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        ctx.status(200).contentType(type).result(body.toByteArray());
    }
}
