package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGINT) on a real {@code cadre run} process: the run is cancelled, and the command says so. */
class RunInterruptTest {

    @Test
    void ctrlCOnABackgroundRunPrintsTheCancelAndTheFooterAndExits130(@TempDir Path dir) throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            // The model's answer never comes while the test runs: the run is in the middle of its model call.
            openai.dispatcher(r -> Reply.text("too late").headersDelay(Duration.ofMinutes(10)));
            Path config = dir.resolve("cadre.yaml");
            Files.writeString(config, """
                    db: sqlite:%s
                    models:
                      default: {provider: openai-chat, id: gpt-4o, base_url: %s, api_key: sk-test}
                    agents: [{id: writer, name: Writer}]
                    """.formatted(dir.resolve("cadre.db"), openai.baseUrl()));
            Path out = dir.resolve("out.txt");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // A process started in the background of a non-interactive shell (CI's, say) ignores SIGINT, and so
            // would the command, as a JVM keeps an ignored SIGINT ignored: env gives it SIGINT's default back, as
            // a terminal's foreground process has it.
            Process p = new ProcessBuilder(List.of("env", "--default-signal=INT", java, "-cp", System.getProperty("java.class.path"),
                    CadreCli.class.getName(), "run", "--config", config.toString(), "--agent", "writer", "--background",
                    "Write something"))
                    .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
            try {
                assertThat(openai.awaitRequests(1, Duration.ofSeconds(60))).hasSize(1);

                Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
                assertThat(kill.waitFor()).isZero();

                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String printed = Files.readString(out, StandardCharsets.UTF_8);
                assertThat(p.exitValue()).as(printed + Files.readString(dir.resolve("err.txt"))).isEqualTo(130);
                assertThat(printed).contains(": PENDING", "Ctrl-C: Run ", " was cancelled.", "── Writer · CANCELLED · run ");
                assertThat(printed.split("── Writer").length).as("one footer").isEqualTo(2);
            } finally {
                p.destroyForcibly();
            }
        }
    }

}
