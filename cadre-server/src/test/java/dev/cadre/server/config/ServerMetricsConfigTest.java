package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.server.CadreServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server from a config ({@code cadre serve}) exports its run meters and the JVM's at /metrics/prometheus. */
class ServerMetricsConfigTest {

    @Test
    void aConfiguredServerCountsItsRunsForPrometheus(@TempDir Path dir) throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            openai.dispatcher(r -> Reply.text("Counted."));
            Path file = dir.resolve("cadre.yaml");
            Files.writeString(file, """
                    db: sqlite:%s
                    models:
                      default: {provider: openai-chat, id: gpt-4o, base_url: %s, api_key: sk-test}
                    agents:
                      - {id: researcher, name: Researcher, model: default}
                    server: {security_key: k3y}
                    """.formatted(dir.resolve("cadre.db").toString().replace('\\', '/'), openai.baseUrl()));
            CadreServer server = CadreConfig.load(file).serverBuilder().port(0).build().start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                + "/agents/researcher/runs")).header("Authorization", "Bearer k3y")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("message=Count+me&stream=false")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(run.statusCode()).isEqualTo(200);

                HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/metrics/prometheus")).header("Authorization", "Bearer k3y").build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(scrape.statusCode()).isEqualTo(200);
                assertThat(scrape.headers().firstValue("Content-Type")).get().asString()
                        .startsWith("text/plain; version=0.0.4");
                // Heard before the run answered: its start and its model's answer (its end may come just after).
                assertThat(line(scrape.body(), "cadre_runs_started_total{"))
                        .isEqualTo("cadre_runs_started_total{component=\"Researcher\",team=\"false\"} 1.0");
                assertThat(line(scrape.body(), "cadre_model_requests_total{"))
                        .isEqualTo("cadre_model_requests_total{model=\"gpt-4o\",outcome=\"ok\",provider=\"OpenAI\"} 1.0");
                assertThat(line(scrape.body(), "cadre_runs_queued ")).isEqualTo("cadre_runs_queued 0.0");
                assertThat(scrape.body()).contains("cadre_runs_in_flight ", "jvm_memory_used_bytes{",
                        "jvm_threads_live_threads ", "process_uptime_seconds ");
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static String line(String body, String prefix) {
        return Arrays.stream(body.split("\n")).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("No line starting with " + prefix + " in:\n" + body));
    }
}
