package dev.cadre.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cadre.jdbc.SqliteDb;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The README's "Use Cadre in your project" programs do what the README says when run as they are. */
class ReadmeProgramsTest {

    @TempDir
    Path dir;

    @Test
    void theSeedScenarioClassRunsAgainstAnOpenAICompatibleServer() throws Exception {
        Path classes = compile("ResearchTeamApp");
        try (FakeOpenAIServer server = FakeOpenAIServer.start()) {
            String delegate = "delegate_task_to_member";
            server.when(r -> r.hasTool(delegate) && r.lastUserMessage().orElse("").contains("dragon"),
                    // The first words at once, then nothing for far longer than the test waits: only a cancel ends it.
                    Reply.textChunks("Once upon a time, ", "a dragon ").chunkDelay(Duration.ofHours(1)));
            server.when(r -> r.hasTool(delegate) && !r.isAfterToolResult(), Reply.toolCall(delegate,
                    "{\"member_id\":\"researcher\",\"task\":\"Find the three laws\"}"));
            server.when(r -> r.hasTool(delegate) && r.isAfterToolResult(), Reply.text("Summary: energy is conserved."));
            server.dispatcher(r -> Reply.text("Fact: energy is conserved."));

            ProcessBuilder command = new ProcessBuilder(javaCommand(), "-cp",
                    classes + File.pathSeparator + System.getProperty("java.class.path"), "ResearchTeamApp")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
            command.environment().put("OPENAI_API_KEY", "sk-test");
            command.environment().put("OPENAI_BASE_URL", server.baseUrl());
            Process app = command.start();
            app.getOutputStream().close();
            assertThat(app.waitFor(120, TimeUnit.SECONDS)).as("the app ends").isTrue();
            String out = Files.readString(dir.resolve("out.txt"));
            assertThat(app.exitValue()).as(out).isZero();

            assertThat(out).contains("COMPLETED: Summary: energy is conserved.");
            String background = find(out, "started (\\S+): PENDING");
            String story = find(out, "story (\\S+): CANCELLED \\(CANCELLED\\), kept: Once upon a time,");
            try (SqliteDb db = SqliteDb.builder().file(dir.resolve("cadre.db")).createIfMissing(false).build()) {
                assertThat(db.getRun(background)).map(RunResult::status).contains(RunStatus.COMPLETED);
                assertThat(db.getRun(story)).map(RunResult::status).contains(RunStatus.CANCELLED);
            }
        }
    }

    @Test
    void theJUnitExamplePassesUnderJUnit() throws Exception {
        Path classes = compile("ResearchTeamTest");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(loader.loadClass("ResearchTeamTest"))).build(), listener);
            TestExecutionSummary summary = listener.getSummary();
            assertThat(summary.getFailures()).extracting(f -> f.getException().toString()).isEmpty();
            assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        }
    }

    /** Compiles the README block declaring {@code type} into a directory of its own. */
    private Path compile(String type) throws IOException {
        JavaBlock block = ReadmeJavaTest.blocks().stream()
                .filter(b -> b.topLevelType().filter(type::equals).isPresent()).findFirst()
                .orElseThrow(() -> new AssertionError("no README block declares " + type));
        Path src = Files.createDirectories(dir.resolve("src")).resolve(type + ".java");
        Files.writeString(src, block.code(), StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(dir.resolve("classes-" + type));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-proc:none",
                "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), src.toString());
        assertThat(rc).as("%s compiles", type).isZero();
        return classes;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as("the output has a line matching %s:%n%s", regex, out).isTrue();
        return m.group(1);
    }
}
