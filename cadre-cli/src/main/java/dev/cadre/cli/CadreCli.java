package dev.cadre.cli;

import dev.cadre.cli.internal.NativeCache;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cadre} command. Each subcommand is a class of its own, listed in {@code subcommands}.
 *
 * <p>Exit codes: 0 done, 1 failed while running (a run that did not complete, a port in use, a db
 * that cannot be opened), 2 bad usage or a bad config file, 130 stopped by Ctrl-C (143 by SIGTERM),
 * after the command stopped what it was doing. Failures are reported as one sentence on stderr, never a
 * stack trace.
 */
@Command(name = "cadre",
        mixinStandardHelpOptions = true,
        versionProvider = CadreCli.Version.class,
        description = "Teams of LLM agents: run them, serve them over the AgentOS HTTP API, watch and cancel their runs.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cadre demo",
            "  cadre run --config cadre.yaml --team research-team \"What is entropy?\" --stream",
            "  cadre serve --config cadre.yaml",
            "  cadre check --config cadre.yaml --online",
            "  cadre runs list --db sqlite:cadre.db",
            "  cadre help run"
        })
public final class CadreCli implements Runnable {

    /** Exit code for bad usage and bad config files. */
    public static final int USAGE = 2;
    /** Exit code for a failure while running. */
    public static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The subcommands, in the order help lists them; each built only when needed. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("demo", DemoCommand::new);
        m.put("run", RunCommand::new);
        m.put("runs", RunsCommand::new);
        m.put("serve", ServeCommand::new);
        m.put("check", CheckCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        m.put(TrainingCommand.NAME, TrainingCommand::new);
        return m;
    }

    public static void main(String[] args) {
        // The version alone is asked for by scripts and shells that probe the tool: answer it before
        // picocli reflects over every command's options (most of a cold start's time).
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(new Version().getVersion()[0]);
            System.out.flush();
            System.exit(0);
        }
        NativeCache.useCachedSqliteLibrary();
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        return configure(withSubcommands(SUBCOMMANDS.keySet()));
    }

    /**
     * The command line for these arguments: when they start with a subcommand's name, only that
     * subcommand's model is built (help, usage errors and "did you mean" at the top need them all).
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0]) && !args[0].equals("help")) {
            return configure(withSubcommands(java.util.List.of(args[0])));
        }
        return commandLine();
    }

    private static CommandLine withSubcommands(Iterable<String> names) {
        CommandLine cli = new CommandLine(new CadreCli());
        for (String name : names) {
            cli.addSubcommand(name, SUBCOMMANDS.get(name).get());
        }
        return cli;
    }

    private static CommandLine configure(CommandLine cli) {
        return cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandLine.ParameterException pe) {
                cmd.getErr().println("cadre: " + pe.getMessage());
                pe.getCommandLine().usage(cmd.getErr());
                return USAGE;
            }
            if (e instanceof UsageException u) {
                cmd.getErr().println("cadre: " + u.getMessage());
                return USAGE;
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            cmd.getErr().println("cadre: " + message);
            return FAILED;
        });
    }

    @Override
    public void run() {
        // No subcommand: say what there is, as a usage error.
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing a command: demo, run, runs, serve or check");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CadreCli.class.getPackage().getImplementationVersion();
            return new String[] {"cadre " + (v == null ? "(development build)" : v)};
        }
    }
}
