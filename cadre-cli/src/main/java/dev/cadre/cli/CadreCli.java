package dev.cadre.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cadre} command. Exit codes: 0 success, 1 failure (or a run that did not complete), 2 usage error. */
@Command(name = "cadre", mixinStandardHelpOptions = true, version = "Cadre 0.1.0",
        description = "Teams of LLM agents: run them, serve them, watch and cancel their runs.",
        subcommands = {DemoCommand.class, RunsCommand.class})
public final class CadreCli implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with Cadre's exit codes; for tests too. */
    public static CommandLine commandLine() {
        return new CommandLine(new CadreCli())
                // A failure is a sentence for a person, not a stack trace; usage errors exit 2, failures 1.
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof CommandLine.ParameterException pe) {
                        cmd.getErr().println("cadre: " + pe.getMessage());
                        pe.getCommandLine().usage(cmd.getErr());
                        return 2;
                    }
                    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    cmd.getErr().println("cadre: " + message);
                    return 1;
                });
    }
}
