package dev.cadre.cli;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.Message;
import dev.cadre.model.Model;
import dev.cadre.model.ModelRequest;
import dev.cadre.server.config.CadreConfig;
import dev.cadre.server.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cadre check}: whether a config file would serve, without serving it (nor opening its db); with
 * {@code --online}, whether each model's provider answers with its key.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Checks a config file without serving it.",
            "Reads and validates the file as `cadre serve` would, without opening its db. With --online, also sends",
            "each model one short request (a few tokens) with its key and reports it as ok or failing with the",
            "provider's error. Exits 0 when all is well, 2 when the file is invalid or a model fails."},
        footer = {"", "Examples:",
            "  cadre check --config cadre.yaml",
            "  OPENAI_API_KEY=sk-... cadre check --config cadre.yaml --online"})
final class CheckCommand implements Callable<Integer> {

    /** What a model is asked online: an answer of a word or two is a few tokens. */
    static final String PROBE = "Reply with the single word: ok";

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML file to check (as for `cadre serve`)")
    Path config;

    @Option(names = "--online", description = "Also check that each model's provider answers, with its key")
    boolean online;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CadreConfig parsed;
        try {
            parsed = CadreConfig.load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return CadreCli.USAGE;
        }
        out.println(config.getFileName() + ": valid (" + count(parsed.models().size(), "model") + ", "
                + count(parsed.agents().size(), "agent") + ", " + count(parsed.teams().size(), "team") + ")");
        if (!online) {
            out.flush();
            return 0;
        }
        int failing = 0;
        for (Map.Entry<String, CadreConfig.ModelConfig> m : parsed.models().entrySet()) {
            String label = "model " + m.getKey() + " (" + m.getValue().provider() + " " + m.getValue().id() + ")";
            try {
                Model model = parsed.model(m.getKey());
                model.invoke(new ModelRequest(List.of(Message.user(PROBE)), List.of()), AbortSignal.never());
                out.println("  " + label + ": ok");
            } catch (RuntimeException e) {
                // The model's own message says what is wrong (a rejected key, an unknown model, no connection).
                failing++;
                out.println("  " + label + ": failing: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage().strip().replace('\n', ' ')));
            }
            out.flush();
        }
        if (failing > 0) {
            err.println("cadre check: " + count(failing, "model") + " of " + parsed.models().size() + " failing");
            return CadreCli.USAGE;
        }
        return 0;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
