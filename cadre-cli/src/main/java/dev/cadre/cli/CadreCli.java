package dev.cadre.cli;

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
        subcommands = {DemoCommand.class, RunCommand.class, RunsCommand.class, ServeCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  cadre demo",
            "  cadre run --config cadre.yaml --team research-team \"What is entropy?\" --stream",
            "  cadre serve --config cadre.yaml",
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

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new CadreCli())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof CommandLine.ParameterException pe) {
                        cmd.getErr().println("cadre: " + pe.getMessage());
                        pe.getCommandLine().usage(cmd.getErr());
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
                "Missing a command: demo, run, runs or serve");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CadreCli.class.getPackage().getImplementationVersion();
            return new String[] {"cadre " + (v == null ? "(development build)" : v)};
        }
    }
}
