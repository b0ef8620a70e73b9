package dev.cadre.cli;

import dev.cadre.Component;
import dev.cadre.cli.internal.Console;
import dev.cadre.cli.internal.WhoIsWorking;
import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamToolCallStarted;
import dev.cadre.json.CadreJson;
import dev.cadre.run.Run;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.server.config.CadreConfig;
import dev.cadre.server.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre run}: one run of a team or agent from a config file, in this process. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Runs a team or an agent of a config file once, in this process, and shows the answer.",
            "Exits 0 when the run completed, 1 when it failed or was cancelled (Ctrl-C cancels it), 2 on bad usage.",
            "--background starts it as a background run (PENDING at once, stored) and follows it to its end;",
            "runs that must outlive the command belong in `cadre serve`."},
        footer = {"", "Examples:",
            "  cadre run --config cadre.yaml --team research-team \"What are the three laws of thermodynamics?\"",
            "  cadre run --config cadre.yaml --team research-team --stream \"Write a story about a dragon\"",
            "  cadre run --config cadre.yaml --agent researcher --background --json \"What is entropy?\"",
            "  cadre run -c cadre.yaml --team research-team --session 5d1c... \"And the fourth law?\""})
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML file with models, agents, teams and db (as for `cadre serve`)")
    Path config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--team", paramLabel = "ID", description = "The team to run")
        String team;

        @Option(names = "--agent", paramLabel = "ID", description = "The agent to run")
        String agent;
    }

    @Parameters(paramLabel = "MESSAGE", description = "What to ask")
    String message;

    @Option(names = "--session", paramLabel = "ID", description = "Continue this session (default: a new one)")
    String session;

    @Option(names = "--user", paramLabel = "ID", description = "The user the run is for")
    String user;

    @ArgGroup(exclusive = true)
    How how = new How();

    static final class How {
        @Option(names = "--stream", description = "Show the answer as it is written, with the members' work")
        boolean stream;

        @Option(names = "--background", description = "Start it in the background (PENDING at once) and follow it")
        boolean background;
    }

    @Option(names = "--json", description = "Print the run as JSON at the end (nothing else on stdout)")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CadreConfig cfg;
        try {
            cfg = CadreConfig.load(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return CadreCli.USAGE;
        }
        // The SDK readies itself while the database opens (see SdkWarmUp).
        dev.cadre.cli.internal.SdkWarmUp.start(cfg.models().values().stream().map(CadreConfig.ModelConfig::provider)
                .toList(), cfg.models().values().stream().anyMatch(m -> m.baseUrl().map(u -> u.startsWith("https:"))
                        .orElse(true)));
        String id = which.team != null ? which.team : which.agent;
        Console console = json ? Console.plain(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                : Console.system();
        CadreConfig.Components built;
        try {
            built = cfg.build();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return CadreCli.USAGE;
        } catch (dev.cadre.db.DbException e) {
            spec.commandLine().getErr().println("cadre run: cannot open the database: " + e.getMessage());
            return CadreCli.FAILED;
        }
        try (CadreConfig.Components components = built) {
            Optional<Component<?>> found = components.find(id).filter(c -> which.team != null
                    ? c instanceof dev.cadre.Team : c instanceof dev.cadre.Agent);
            if (found.isEmpty()) {
                spec.commandLine().getErr().println("cadre: " + config.getFileName() + " has no "
                        + (which.team != null ? "team" : "agent") + " with id '" + id + "'. There are: "
                        + String.join(", ", Stream.concat(components.teams().stream().map(t -> "team " + t.id()),
                                components.agents().stream().map(a -> "agent " + a.id())).toList()));
                return CadreCli.USAGE;
            }
            Component<?> component = found.get();
            RunRequest request;
            try {
                request = RunRequest.builder(message).runId(UUID.randomUUID().toString()).sessionId(session)
                        .userId(user).build();
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("cadre run: " + e.getMessage());
                return CadreCli.USAGE;
            }
            // Ctrl-C cancels the run, waits for its cancelled state to be stored and reports it: the JVM ends once
            // the hook returns, before the command's own thread may get to its report.
            AtomicReference<Boolean> done = new AtomicReference<>(false);
            java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
            Thread hook = new Thread(() -> {
                if (!done.get()) {
                    String runId = request.runId().orElseThrow();
                    var cancel = component.cancelRun(runId);
                    awaitQuietly(components, runId);
                    if (!json && reported.compareAndSet(false, true)) {
                        console.println(console.yellow("\nCtrl-C: " + cancel.message()));
                        try {
                            components.db().getRun(runId).ifPresent(r -> report(r, console));
                        } catch (RuntimeException e) {
                            console.println("(the run's stored state cannot be read: " + e.getMessage() + ")");
                        }
                    }
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            RunResult result;
            try {
                result = how.stream ? stream(component, request, console)
                        : how.background ? background(component, components, request, console)
                        : blocking(component, request, console);
            } finally {
                done.set(true);
                removeHook(hook);
            }
            if (json) {
                System.out.println(CadreJson.tree(result).toPrettyString());
            } else if (reported.compareAndSet(false, true)) {
                report(result, console);
            }
            return result.status() == RunStatus.COMPLETED ? 0 : CadreCli.FAILED;
        }
    }

    private RunResult blocking(Component<?> component, RunRequest request, Console console)
            throws InterruptedException {
        // Blocking for the user, but followed through its events so that the spinner can name the member at work.
        Run<? extends RunResult> run = component.start(request);
        WhoIsWorking who = new WhoIsWorking(component.name());
        try (var spinner = console.spinner(who::label); RunStream events = run.events()) {
            for (RunEvent e : events) {
                who.accept(e);
            }
        }
        return run.await();
    }

    private RunResult stream(Component<?> component, RunRequest request, Console console) {
        try (RunStream events = component.stream(request)) {
            console.println(console.dim("run " + events.runId() + ", session " + events.sessionId()));
            // Until the first token, a spinner says the run is waiting (for the model, or a member); the text
            // itself then shows progress.
            try (Console.Spinner waiting = console.spinner(() -> component.name() + " is thinking")) {
                for (RunEvent e : events) {
                    if (e instanceof ContentEvent) {
                        waiting.close();
                    }
                    switch (e) {
                        case TeamToolCallStarted t when t.tool().toolName().startsWith("delegate_task_to_member") ->
                                console.println(console.dim("\n[" + t.teamName() + " delegates to "
                                        + t.tool().toolArgs().path("member_id").asText("all members") + "]"));
                        case ContentEvent c -> console.print(c.content());
                        case RunCancelled c -> console.println(console.yellow("\n[" + c.agentName() + "'s run was cancelled]"));
                        case TeamRunCancelled c -> console.println(console.yellow("\n[" + c.teamName() + "'s run was cancelled]"));
                        default -> { }
                    }
                }
            }
            console.println("");
            return events.result();
        }
    }

    private RunResult background(Component<?> component, CadreConfig.Components components, RunRequest request,
            Console console) throws InterruptedException {
        RunResult pending = component.runInBackground(request);
        console.println("run " + pending.runId() + ", session " + pending.sessionId() + ": " + pending.status());
        AtomicReference<RunStatus> current = new AtomicReference<>(pending.status());
        RunResult last = pending;
        try (var spinner = console.spinner(() -> current.get().name())) {
            while (!current.get().isTerminal()) {
                components.runManager().awaitRun(pending.runId(), Duration.ofMillis(500));
                Optional<? extends RunResult> polled = component.getRunOutput(pending.runId(), pending.sessionId());
                if (polled.isPresent() && polled.get().status() != current.get()) {
                    last = polled.get();
                    current.set(last.status());
                    console.println("  → " + last.status());
                }
            }
        }
        return last;
    }

    private static void report(RunResult r, Console console) {
        String status = switch (r.status()) {
            case COMPLETED -> console.green(r.status().name());
            case CANCELLED -> console.yellow(r.status().name());
            default -> console.red(r.status().name());
        };
        console.println("");
        if (r.status() == RunStatus.COMPLETED || r.status() == RunStatus.CANCELLED) {
            console.println(r.content());
        }
        r.error().ifPresent(e -> console.println(console.red(e.message())));
        console.println(console.dim("── " + r.componentName() + " · ") + status + console.dim(" · run " + r.runId()
                + " · session " + r.sessionId()
                + r.metrics().duration().map(d -> " · " + Console.seconds(d)).orElse("")
                + (r.metrics().totalTokens() > 0 ? " · " + r.metrics().totalTokens() + " tokens" : "")));
    }

    private static void awaitQuietly(CadreConfig.Components components, String runId) {
        try {
            components.runManager().awaitRun(runId, Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs
        }
    }
}
