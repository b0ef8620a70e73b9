package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.cli.demo.Demo;
import dev.cadre.examples.OfflineScripts;
import dev.cadre.json.CadreJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code cadre demo --provider anthropic|gemini --offline}: both seed scenarios over that provider's real SDK and
 * wire format (its fake server), with the cancels landing mid-run.
 */
class DemoProvidersTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private int demo(String... args) {
        DemoCommand command = new DemoCommand();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.settings = new Demo.Settings(Optional.empty(), Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(2), true);
        command.pacing = new OfflineScripts.Pacing(Duration.ofMillis(5), Duration.ofMillis(20));
        return new CommandLine(command).execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "gemini"})
    void bothSeedScenariosBehaveOnTheProvidersWire(String provider) throws Exception {
        int exit = demo("--provider", provider, "--offline", "--json", "--db", "sqlite:" + dir.resolve("cadre.db"));

        JsonNode report = CadreJson.mapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertThat(report.path("models").asText()).startsWith("Models: offline " + (provider.equals("gemini")
                ? "Gemini" : "Anthropic"));
        assertThat(report.path("as_expected").asBoolean()).as(report.toPrettyString()).isTrue();
        assertThat(exit).isZero();
        JsonNode first = report.path("scenarios").path("background_run_with_polling");
        assertThat(first.path("final_status").asText()).isEqualTo("COMPLETED");
        assertThat(first.path("cancelled_run_final_status").asText()).isEqualTo("CANCELLED");
        JsonNode second = report.path("scenarios").path("cancel_streamed_run_from_another_thread");
        assertThat(second.path("stored_status").asText()).isEqualTo("CANCELLED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude"})
    void anUnknownProviderIsAUsageErrorNamingTheChoices(String provider) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DemoCommand command = new DemoCommand();
        CommandLine cli = new CommandLine(command).setErr(new java.io.PrintWriter(err, true));

        int exit = cli.execute("--provider", provider, "--offline");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--provider must be one of openai, anthropic, gemini");
    }
}
