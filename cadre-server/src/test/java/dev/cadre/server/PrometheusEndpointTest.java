package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.InMemoryDb;
import dev.cadre.micrometer.CadreMetrics;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunResult;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics/prometheus}: a server given a Prometheus registry serves it, in Prometheus's text format or
 * OpenMetrics, behind the same key as every other route; AgentOS's {@code GET /metrics} stays as it was.
 */
class PrometheusEndpointTest {

    private static final String KEY = "scrape-key";

    private final FakeOpenAIServer openai = FakeOpenAIServer.start();
    private final InMemoryDb store = new InMemoryDb();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CadreMetrics metrics = CadreMetrics.create(registry);
    /** Hears each run's end after the metrics did (listeners are called in the order they were added). */
    private final CountDownLatch ended = new CountDownLatch(1);
    private final RunManager runs = RunManager.builder().listener(metrics).listener(new RunListener() {
        @Override
        public void runEnded(RunInfo run, RunResult end) {
            ended.countDown();
        }
    }).build();
    private CadreServer server;

    private CadreServer start(boolean withRegistry) {
        openai.dispatcher(r -> Reply.text("Hello there"));
        Agent echo = Agent.builder().id("echo").name("Echo")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .db(store).runManager(runs).build();
        CadreServer.Builder b = CadreServer.builder().agents(echo).db(store).runManager(runs).port(0)
                .securityKey(KEY);
        if (withRegistry) {
            b.prometheus(registry);
        }
        server = b.build().start();
        return server;
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
        openai.close();
        registry.close();
    }

    private Http withKey() {
        return new Http(server.baseUrl()).header("Authorization", "Bearer " + KEY);
    }

    private static String line(String body, String prefix) {
        return Arrays.stream(body.split("\n")).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("No line starting with " + prefix + " in:\n" + body));
    }

    @Test
    void aCompletedRunIsScrapedInPrometheusTextFormatWithTheServersKey() throws Exception {
        metrics.bind(runs);
        start(true);
        assertThat(withKey().postForm("/agents/echo/runs", form("message", "hi", "stream", "false")).status())
                .isEqualTo(200);
        assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();

        Http.Response scrape = withKey().get("/metrics/prometheus");

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.header("Content-Type")).isEqualTo(PrometheusTextFormatWriter.CONTENT_TYPE)
                .startsWith("text/plain; version=0.0.4");
        assertThat(line(scrape.body(), "cadre_runs_ended_total{"))
                .isEqualTo("cadre_runs_ended_total{component=\"Echo\",status=\"COMPLETED\",team=\"false\"} 1.0");
        assertThat(line(scrape.body(), "cadre_model_requests_total{"))
                .isEqualTo("cadre_model_requests_total{model=\"gpt-4o\",outcome=\"ok\",provider=\"OpenAI\"} 1.0");
        assertThat(line(scrape.body(), "cadre_run_duration_seconds_count{"))
                .isEqualTo("cadre_run_duration_seconds_count{component=\"Echo\",status=\"COMPLETED\"} 1");
        assertThat(line(scrape.body(), "cadre_runs_in_flight ")).isEqualTo("cadre_runs_in_flight 0.0");
        assertThat(line(scrape.body(), "cadre_runs_queued ")).isEqualTo("cadre_runs_queued 0.0");
        assertThat(scrape.body()).doesNotContain("run_id").doesNotContain("session");
    }

    @Test
    void theScrapeNeedsTheKeyLikeEveryOtherRoute() {
        start(true);

        Http.Response anonymous = new Http(server.baseUrl()).get("/metrics/prometheus");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("detail").asText()).isEqualTo("Authorization header required");
        assertThat(new Http(server.baseUrl()).header("Authorization", "Bearer wrong").get("/metrics/prometheus")
                .status()).isEqualTo(401);
    }

    @Test
    void aScraperAskingForOpenMetricsGetsOpenMetrics() {
        start(true);
        registry.counter("probe").increment();

        Http.Response scrape = withKey().header("Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5").get("/metrics/prometheus");

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.header("Content-Type")).isEqualTo(OpenMetricsTextFormatWriter.CONTENT_TYPE);
        assertThat(scrape.body()).contains("probe_total 1.0").endsWith("# EOF\n");
    }

    @Test
    void agentOsMetricsStayAgnosJson() {
        start(true);

        Http.Response agno = withKey().get("/metrics");

        assertThat(agno.status()).isEqualTo(200);
        assertThat(agno.header("Content-Type")).startsWith("application/json");
        assertThat(agno.json().has("metrics")).isTrue();
        assertThat(agno.json().has("updated_at")).isTrue();
    }

    @Test
    void aServerWithoutARegistryAnswers404WithADetail() {
        start(false);

        Http.Response scrape = withKey().get("/metrics/prometheus");

        assertThat(scrape.status()).isEqualTo(404);
        assertThat(scrape.json().get("detail").asText()).contains("prometheus(...)");
    }
}
