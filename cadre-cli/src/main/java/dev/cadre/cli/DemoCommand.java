package dev.cadre.cli;

import dev.cadre.cli.demo.Demo;
import dev.cadre.cli.demo.ProviderModels;
import dev.cadre.cli.internal.Console;
import dev.cadre.examples.ExampleModels;
import dev.cadre.examples.OfflineScripts;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.json.CadreJson;
import dev.cadre.db.Db;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cadre demo}: the two seed scenarios, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs the two seed scenarios end to end.",
            "  1. a team run in the background, polled to COMPLETED, and a long one cancelled mid-way;",
            "  2. a streamed team run cancelled from another thread.",
            "Models: OpenAI when OPENAI_API_KEY is set, any OpenAI-compatible server when OPENAI_BASE_URL is,",
            "otherwise a fake OpenAI server started in-process (the first line says which). With --provider",
            "anthropic or gemini: that provider with ANTHROPIC_API_KEY / GEMINI_API_KEY, else its fake server.",
            "Exits 0 when every scenario behaved as the seed expects (cancellations included), 1 otherwise."},
        footer = {"", "Examples:",
            "  cadre demo",
            "  cadre demo --db jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            "  OPENAI_API_KEY=sk-... cadre demo --model gpt-5.2-mini",
            "  cadre demo --offline --fast",
            "  cadre demo --provider anthropic --fast        # Claude's wire format, offline without a key",
            "  cadre demo --json | jq .scenarios"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--db", paramLabel = "URL", defaultValue = "sqlite:cadre.db",
            description = "Where runs are kept: sqlite:FILE (default ${DEFAULT-VALUE}), jdbc:postgresql://... or "
                    + "postgresql://user:password@host/db")
    String db;

    @Option(names = "--model", paramLabel = "ID", description = "The model id to use instead of the seeds' own")
    String model;

    @Option(names = "--json", description = "Print a JSON report instead of the live show")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "openai",
            description = "The models' provider: openai (the default), anthropic or gemini; offline without its API key")
    String provider;

    @Option(names = "--offline", description = "Use the built-in fake OpenAI server even when OPENAI_API_KEY is set")
    boolean offline;

    @Option(names = "--fast", description = "Cancel on events instead of after the seeds' delays, and a faster offline server (the run takes seconds)")
    boolean fast;

    Demo.Settings settings = Demo.Settings.SEED;
    OfflineScripts.Pacing pacing = OfflineScripts.Pacing.DEMO;
    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (fast) {
            // Cancel on events rather than after delays: the same on a quick machine and a busy one.
            settings = new Demo.Settings(Optional.empty(), java.time.Duration.ofMillis(100),
                    java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), true);
            pacing = new OfflineScripts.Pacing(java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(20));
        }
        Console console = json ? Console.plain(new PrintStream(OutputStream.nullOutputStream()))
                : out == System.out ? Console.system() : Console.plain(out);
        if (!ProviderModels.NAMES.contains(provider)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--provider must be one of "
                    + String.join(", ", ProviderModels.NAMES) + ", not '" + provider + "'");
        }
        boolean openai = provider.equals("openai");
        Optional<String> modelId = Optional.ofNullable(model).or(() -> ProviderModels.defaultModel(provider));
        try (ExampleModels models = !openai ? ProviderModels.of(provider, offline, pacing, console.out())
                : offline ? ExampleModels.offline(pacing, console.out())
                : ExampleModels.fromEnvironment(console.out(), pacing);
                Db store = JdbcDbs.open(db)) {
            console.println("Database: " + describe(db) + "\n");
            Demo demo = new Demo(store, models, settings.withModel(modelId), console);
            Demo.BackgroundReport first = demo.backgroundRunWithPolling();
            Demo.StreamReport second = demo.cancelStreamedRunFromAnotherThread();
            boolean ok = first.asExpected() && second.asExpected();
            console.println("");
            console.println(ok ? console.green("✓ Both scenarios behaved as the seeds expect.")
                    : console.red("✗ A scenario did not behave as its seed expects (see above)."));
            if (json) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("models", models.description());
                report.put("db", describe(db));
                report.put("as_expected", ok);
                report.put("scenarios", Map.of("background_run_with_polling", first,
                        "cancel_streamed_run_from_another_thread", second));
                out.println(CadreJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            }
            return ok ? 0 : 1;
        }
    }

    /** The db URL without a password. */
    static String describe(String url) {
        return url.replaceAll("(?<=://)([^:/@]+):[^@]*@", "$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
