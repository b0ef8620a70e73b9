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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cadre demo}, offline (the fake OpenAI server), on SQLite, with the waits shortened. */
class DemoCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /**
     * The demo cancels on events here (the essay once it runs, the story at its first words) rather than
     * after the seeds' delays, so each cancel lands mid-run however slow or busy the machine is; the
     * essay and the story stream for seconds (20 ms apart), far longer than it takes to cancel them.
     */
    private int demo(String... args) {
        DemoCommand command = new DemoCommand();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.settings = new Demo.Settings(Optional.empty(), Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(2), true);
        command.pacing = new OfflineScripts.Pacing(Duration.ofMillis(5), Duration.ofMillis(20));
        return new CommandLine(command).execute(args);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoRunsBothSeedScenariosOfflineAndSaysSo() {
        int exit = demo("--offline", "--db", "sqlite:" + dir.resolve("cadre.db"));

        String out = output();
        assertThat(exit).isZero();
        assertThat(out.lines().findFirst()).get().asString().startsWith("Models: offline.");
        assertThat(out).contains("1. Background run with polling", "PENDING  returned after",
                "polled: PENDING @0.0s", "COMPLETED @", "Answer:", "First law: energy cannot be created",
                "EssayTeam in the background", "cancel once it ran: CANCELLED",
                "final status, read back from the db: CANCELLED",
                "2. Cancel a streamed team run from another thread", "at its first words", "Content Preview: Once",
                "🚫 member run cancelled: StorytellerAgent", "🚫 team run cancelled: Storytelling Team",
                "Status:          CANCELLED (read back from the db)",
                "✓ Both scenarios behaved as the seeds expect.");
        assertThat(out.indexOf("member run cancelled")).isLessThan(out.indexOf("team run cancelled"));
    }

    @Test
    void jsonGivesAReportForScripts() throws Exception {
        int exit = demo("--offline", "--json", "--db", "sqlite:" + dir.resolve("cadre.db"));

        JsonNode report = CadreJson.mapper().readTree(output());
        assertThat(exit).isZero();
        assertThat(report.path("as_expected").asBoolean()).isTrue();
        JsonNode first = report.path("scenarios").path("background_run_with_polling");
        assertThat(first.path("polled").get(0).path("status").asText()).isEqualTo("PENDING");
        assertThat(first.path("final_status").asText()).isEqualTo("COMPLETED");
        assertThat(first.path("cancelled_run_final_status").asText()).isEqualTo("CANCELLED");
        JsonNode second = report.path("scenarios").path("cancel_streamed_run_from_another_thread");
        assertThat(second.path("cancel_events")).extracting(JsonNode::asText)
                .containsExactly("RunCancelled:StorytellerAgent", "TeamRunCancelled:Storytelling Team");
        assertThat(second.path("stored_status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsAClearFailure() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = CadreCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cli.execute("demo", "--offline", "--db", "sqlite:" + dir.resolve("missing/dir/cadre.db"));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cadre: ", "Check that its directory exists");
    }
}
