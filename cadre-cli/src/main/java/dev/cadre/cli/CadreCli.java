package dev.cadre.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cadre} command. Each subcommand is a class of its own, listed in {@code subcommands}.
 *
 * <p>Exit codes: 0 done, 1 failed while running (a port in use, say), 2 bad usage or a bad config
 * file.
 */
@Command(name = "cadre",
        mixinStandardHelpOptions = true,
        versionProvider = CadreCli.Version.class,
        description = "Teams of LLM agents: serve them over the AgentOS HTTP API.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  cadre serve --config cadre.yaml",
            "  cadre serve --config cadre.yaml --port 8080 --host 0.0.0.0",
            "  cadre help serve"
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
        return new CommandLine(new CadreCli());
    }

    @Override
    public void run() {
        // No subcommand: say what there is, as a usage error.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, such as 'serve'");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CadreCli.class.getPackage().getImplementationVersion();
            return new String[] {"cadre " + (v == null ? "(development build)" : v)};
        }
    }
}
