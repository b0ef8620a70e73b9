package dev.cadre.cli;

import dev.cadre.server.CadreServer;
import dev.cadre.server.config.CadreConfig;
import dev.cadre.server.config.ConfigException;
import dev.cadre.db.DbException;
import dev.cadre.db.ProcessInstance;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cadre serve}: serves the agents and teams of a config file over the AgentOS HTTP API until
 * the process is stopped (Ctrl-C or SIGTERM), then shuts down gracefully: runs still going are
 * cancelled with a reason and stored as CANCELLED.
 *
 * <p>Exit codes: 2 for a bad config file (or unusable JWT key material), 1 when the database cannot be
 * opened or the port cannot be bound; stopped by a signal, the process ends with the signal's code
 * (130 for Ctrl-C, 143 for SIGTERM) after its graceful shutdown.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the agents and teams of a config file over the AgentOS HTTP API.",
            "The Agent UI and AgentOS clients can then use them."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  cadre serve --config cadre.yaml",
            "  cadre serve --config cadre.yaml --port 8080",
            "  OS_SECURITY_KEY=secret cadre serve --config cadre.yaml --host 0.0.0.0",
            "  cadre serve --config fleet.yaml --instance-id node-1     (execution: {mode: durable})",
            "",
            "A minimal cadre.yaml:",
            "  db: sqlite:cadre.db",
            "  models:",
            "    default:",
            "      provider: openai-responses",
            "      id: gpt-5.2-mini",
            "      api_key: $${OPENAI_API_KEY}",
            "  agents:",
            "    - {id: researcher, name: Researcher, role: Research topics.}",
            "  teams:",
            "    - {id: research-team, name: ResearchTeam, members: [researcher]}"
        })
public final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML file with models, agents, teams and db.")
    Path config;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "Port to listen on (default: the config's server.port, else 7777; 0 picks a free one).")
    Integer port;

    @Option(names = {"--host"}, paramLabel = "HOST",
            description = "Address to bind (default: the config's server.host, else 127.0.0.1; 0.0.0.0 serves others).")
    String host;

    @Option(names = {"--shutdown-grace"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "On stop, how long running runs may still finish before they are cancelled (default: ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Option(names = {"--instance-id"}, paramLabel = "ID", defaultValue = "${env:CADRE_INSTANCE_ID}",
            description = {"This process's id among the processes sharing the db (default: $CADRE_INSTANCE_ID, else",
                "host-pid-random): the owner of the runs it executes, in /health and in each run's instance_id."})
    String instanceId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private volatile CadreServer server;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port != null && (port < 0 || port > 65535)) {
            err.println("cadre serve: --port must be 0..65535, was " + port);
            return CadreCli.USAGE;
        }
        if (instanceId != null && !instanceId.isBlank()) {
            if (!instanceId.strip().matches("[A-Za-z0-9._:@-]{1,128}")) {
                err.println("cadre serve: --instance-id must be 1-128 letters, digits or . _ : @ -, was '"
                        + instanceId + "'");
                return CadreCli.USAGE;
            }
            // Before anything reads it: the id is fixed for the life of the process.
            System.setProperty(ProcessInstance.PROPERTY, instanceId.strip());
            if (!ProcessInstance.id().equals(instanceId.strip())) {
                err.println("cadre serve: this process already has the instance id " + ProcessInstance.id());
                return CadreCli.USAGE;
            }
        }
        CadreServer.Builder builder;
        CadreConfig loaded;
        try {
            loaded = CadreConfig.load(config);
            builder = loaded.serverBuilder();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return CadreCli.USAGE;
        } catch (DbException e) {
            // The file is fine; the database is not there (or not usable) now: a failure, not a usage error.
            err.println("cadre serve: cannot open the database: " + e.getMessage());
            return CadreCli.FAILED;
        } catch (IllegalStateException e) {
            // Durable execution could not start on the database (DBOS's schema, say).
            err.println("cadre serve: cannot start durable execution: " + e.getMessage());
            return CadreCli.FAILED;
        }
        if (port != null) {
            builder.port(port);
        }
        if (host != null) {
            builder.host(host);
        }
        CadreServer built;
        try {
            built = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("cadre serve: " + config.getFileName() + ": " + e.getMessage()); // JWT key material, say
            return CadreCli.USAGE;
        }
        try {
            server = built.start();
        } catch (RuntimeException e) {
            err.println("cadre serve: " + e.getMessage());
            return CadreCli.FAILED;
        }
        Duration grace = Duration.ofSeconds(Math.max(0, graceSeconds));
        // Stopping can take the grace period: say what it waits for, and how the runs ended.
        Thread hook = new Thread(() -> {
            out.println("Stopping…");
            server.stop(grace, line -> {
                out.println("  " + line);
                out.flush();
            });
            out.println("Stopped.");
            out.flush();
        }, "cadre-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // The first line is what scripts wait for (and read the URL from); the rest says what is served, and how.
        out.println("Cadre is serving on " + server.baseUrl() + " (Ctrl-C to stop)");
        for (String line : banner(loaded, server)) {
            out.println("  " + line);
        }
        out.flush();
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            // Interrupted (embedded use): stop like a signal would.
            Thread.currentThread().interrupt();
            server.stop(grace);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is what stopped it
        }
        return 0;
    }

    /** What is served and how: db (its password masked), agents, teams, authentication and execution. */
    static java.util.List<String> banner(CadreConfig config, CadreServer server) {
        String auth = switch (server.authMode()) {
            case "none" -> "none (anyone who can reach the port may call it)";
            case "security_key" -> "security key (Authorization: Bearer <key>)";
            case "jwt" -> "JWT";
            default -> server.authMode();
        };
        return java.util.List.of(
                "db:        " + dev.cadre.jdbc.JdbcDbs.redacted(config.db()),
                "agents:    " + names(config.agents().stream().map(CadreConfig.AgentConfig::id).toList()),
                "teams:     " + names(config.teams().stream().map(CadreConfig.TeamConfig::id).toList()),
                "auth:      " + auth,
                "execution: " + server.executionMode() + ", instance " + ProcessInstance.id());
    }

    private static String names(java.util.List<String> ids) {
        return ids.isEmpty() ? "none" : ids.size() + " (" + String.join(", ", ids) + ")";
    }

    /** The running server, once started; for embedding and tests. */
    CadreServer server() {
        return server;
    }
}
