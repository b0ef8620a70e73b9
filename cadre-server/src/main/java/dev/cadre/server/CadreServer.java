package dev.cadre.server;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.durable.DurableRuns;
import dev.cadre.server.internal.AgentOsApi;
import dev.cadre.server.internal.Execution;
import dev.cadre.server.internal.ServerSettings;
import dev.cadre.server.internal.auth.Authenticator;
import dev.cadre.server.internal.auth.JwtSettings;
import dev.cadre.db.Db;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An HTTP server speaking Agno's AgentOS API for a set of agents and teams, so that AgentOS clients
 * (the Agent UI, Agno's {@code AgentOSClient}) work against Cadre unchanged.
 *
 * <pre>{@code
 * try (CadreServer server = CadreServer.builder()
 *         .teams(team)
 *         .db(store)
 *         .runManager(runManager)
 *         .port(7777)
 *         .build()
 *         .start()) {
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Requests are served on virtual threads; one server holds any number of concurrent streams and
 * background runs. All methods are thread-safe.
 *
 * <p><b>Shutdown.</b> {@link #stop(Duration)} refuses new runs (503), gives running ones the grace
 * period, then cancels the rest with a reason, so that no run is left {@code RUNNING}: their
 * streams end with a cancelled event and their stored state is {@code CANCELLED}. With a
 * {@link Builder#runManager(RunManager) run manager} it shuts that manager down (every run of its
 * agents and teams); without one it cancels the runs this server started.
 */
public final class CadreServer implements AutoCloseable {

    private final AgentOsApi api;

    private CadreServer(AgentOsApi api) {
        this.api = api;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving. Returns this server.
     *
     * @throws IllegalStateException when it was started before, or the port cannot be bound
     */
    public CadreServer start() {
        api.start();
        return this;
    }

    /** The port it listens on (the one chosen by the system when built with port 0). */
    public int port() {
        return api.port();
    }

    /** The address it listens on, such as {@code 127.0.0.1}. */
    public String host() {
        return api.settings().host();
    }

    /** {@code http://host:port}, for clients. */
    public String baseUrl() {
        return "http://" + host() + ":" + port();
    }

    /** The id of the database listed as {@code db_id} for the agents and teams. */
    public String dbId() {
        return api.settings().db().id();
    }

    /**
     * Stops gracefully: refuses new runs, waits up to {@code grace} for running ones, cancels the
     * rest (they end {@code CANCELLED} with a reason), then closes the HTTP listener. Idempotent.
     */
    public void stop(Duration grace) {
        api.stop(grace, line -> { });
    }

    /**
     * {@link #stop(Duration)}, telling {@code progress} what it does as it goes, on the stopping thread: how many
     * runs it waits for, then how they ended ({@code "2 finished, 1 cancelled"}), or in durable mode how many it
     * handed over to the other processes. For a command line or a log; a throwing consumer is not guarded.
     */
    public void stop(Duration grace, Consumer<String> progress) {
        api.stop(grace, Objects.requireNonNull(progress, "progress"));
    }

    /** Blocks until the server has stopped (by {@link #stop} from another thread). */
    public void awaitStop() throws InterruptedException {
        api.awaitStop();
    }

    /** Same as {@code stop(Duration.ofSeconds(10))}. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** {@code local} or {@code durable}: how runs are executed ({@link Builder#durable}). */
    public String executionMode() {
        return api.settings().execution().mode();
    }

    /** {@code none}, {@code security_key} or {@code jwt}: how requests are authenticated. */
    public String authMode() {
        return api.settings().authenticator().mode();
    }

    /** Configures a {@link CadreServer}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Agent> agents = new LinkedHashMap<>();
        private final Map<String, Team> teams = new LinkedHashMap<>();
        private Db db;
        private RunManager runManager;
        private String host = "127.0.0.1";
        private int port = 7777;
        private String securityKey;
        private JwtAuth jwt;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private List<String> corsOrigins = List.of("http://localhost:3000");
        private Duration heartbeat = Duration.ofSeconds(2);
        private String osId = "cadre";
        private final List<AutoCloseable> closeOnStop = new ArrayList<>();
        private DurableRuns durable;
        private PrometheusMeterRegistry prometheus;
        private boolean ui = true;

        private Builder() {
        }

        /** Agents to serve under {@code /agents/{id}}. Ids must be unique. */
        public Builder agents(Agent... agents) {
            return agents(List.of(agents));
        }

        public Builder agents(List<Agent> agents) {
            for (Agent a : agents) {
                if (this.agents.putIfAbsent(a.id(), a) != null) {
                    throw new IllegalArgumentException("Two agents have the id '" + a.id() + "'");
                }
            }
            return this;
        }

        /** Teams to serve under {@code /teams/{id}}. Ids must be unique. */
        public Builder teams(Team... teams) {
            return teams(List.of(teams));
        }

        public Builder teams(List<Team> teams) {
            for (Team t : teams) {
                if (this.teams.putIfAbsent(t.id(), t) != null) {
                    throw new IllegalArgumentException("Two teams have the id '" + t.id() + "'");
                }
            }
            return this;
        }

        /**
         * The store the session endpoints read. Defaults to the store of the first agent or team that
         * has one; a server needs one.
         */
        public Builder db(Db db) {
            this.db = Objects.requireNonNull(db, "db");
            return this;
        }

        /** The manager the served agents and teams run under; {@link #stop} shuts it down. */
        public Builder runManager(RunManager runManager) {
            this.runManager = Objects.requireNonNull(runManager, "runManager");
            return this;
        }

        /** The address to bind; {@code 127.0.0.1} unless set (use {@code 0.0.0.0} to serve others). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; 7777 (AgentOS's default) unless set; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <key>} on every request except {@code /},
         * {@code /health}, {@code /ready}, {@code /info} and CORS preflights. Without a key (and without
         * {@link #jwt}) the API is open.
         */
        public Builder securityKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("securityKey must not be blank");
            }
            this.securityKey = key;
            return this;
        }

        /**
         * Authenticates requests with JWTs, as AgentOS does: scopes per route, the token's {@code sub} as the
         * user, and users kept apart (see {@link JwtAuth}). Takes precedence over {@link #securityKey}.
         */
        public Builder jwt(JwtAuth jwt) {
            this.jwt = Objects.requireNonNull(jwt, "jwt");
            return this;
        }

        /**
         * How long a client may take to send a request, headers and body, or stay silent on an idle
         * connection (30 s unless set): a client that sends its request ever so slowly is dropped. A request
         * that has fully arrived is not bound by it — a blocking run may take minutes, a stream as long as
         * its run — but a stream's client that takes none of its bytes for this long (plus a heartbeat) is
         * dropped too, as if it had left: a non-background run is then cancelled.
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** Browser origins allowed by CORS; {@code http://localhost:3000} (the Agent UI) by default; {@code *} allows any. */
        public Builder corsOrigins(String... origins) {
            return corsOrigins(List.of(origins));
        }

        public Builder corsOrigins(List<String> origins) {
            this.corsOrigins = List.copyOf(origins);
            return this;
        }

        /**
         * How long a stream may stay silent before the server writes an SSE comment. The comment
         * keeps proxies from closing idle streams and is how a client that went away is noticed
         * (which cancels its run): a client that closed its connection is noticed at the second
         * write after it left. 2 seconds unless set.
         */
        public Builder heartbeat(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive");
            }
            this.heartbeat = interval;
            return this;
        }

        /** The id reported by {@code GET /}; {@code cadre} unless set. */
        public Builder id(String osId) {
            this.osId = Objects.requireNonNull(osId, "osId");
            return this;
        }

        /**
         * Executes the runs durably on the fleet of processes sharing {@code durable}'s PostgreSQL: background runs
         * are queued and executed by any process, streamed and blocking ones are executed here and checkpointed all
         * the same; a run whose process dies is resumed by another from its last completed step, and its events are
         * read from the db on any process ({@code /resume} works on every replica). {@link #stop} then stops taking
         * runs and lets those in flight finish within the grace period, and hands the rest to the other processes
         * instead of cancelling them. Every served agent and team must be one of {@code durable}'s components.
         */
        public Builder durable(DurableRuns durable) {
            this.durable = Objects.requireNonNull(durable, "durable");
            return this;
        }

        /**
         * Serves {@code registry} at {@code GET /metrics/prometheus} in Prometheus's text format (OpenMetrics when
         * the scraper asks for it), behind the same authentication as the other routes: the security key as a
         * bearer token, or a JWT with the {@code metrics:read} scope. For Cadre's run meters, register a
         * {@code dev.cadre.micrometer.CadreMetrics} on the registry as a listener of the run manager and bind it
         * to the manager. Without a registry the route answers 404. {@code cadre serve} sets one up by itself.
         */
        public Builder prometheus(PrometheusMeterRegistry registry) {
            this.prometheus = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Whether to serve the runs dashboard, a page at {@code /ui} (on by default). It needs the same key or token
         * as the API; off, {@code /ui} answers 404.
         */
        public Builder ui(boolean enabled) {
            this.ui = enabled;
            return this;
        }

        /**
         * Something to close after the server has stopped and its runs have ended, such as the store
         * it was given when nothing else owns it. Closed in the order given; failures are logged.
         */
        public Builder closeOnStop(AutoCloseable resource) {
            closeOnStop.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Builds the server (not started).
         *
         * @throws IllegalStateException when no store is given and no agent or team has one
         * @throws IllegalArgumentException when the JWT key material is unusable (the message says why)
         */
        private Authenticator authenticator() {
            if (jwt != null) {
                JwtSettings.Builder b = JwtSettings.builder().verificationKeys(jwt.verificationKeys())
                        .authorization(jwt.authorization()).userIsolation(jwt.userIsolation()).osId(osId);
                jwt.jwksFile().ifPresent(b::jwksFile);
                jwt.algorithm().ifPresent(b::algorithm);
                if (jwt.verifyAudience()) {
                    b.verifyAudience(true).audience(jwt.audience());
                }
                jwt.adminScope().ifPresent(b::adminScope);
                jwt.leeway().ifPresent(b::leeway);
                return Authenticator.jwt(b.build());
            }
            return securityKey != null ? Authenticator.securityKey(securityKey) : Authenticator.open();
        }

        public CadreServer build() {
            List<Component<?>> all = new ArrayList<>(agents.values());
            all.addAll(teams.values());
            Db store = Optional.ofNullable(db)
                    .or(() -> all.stream().flatMap(c -> c.db().stream()).findFirst())
                    .orElseThrow(() -> new IllegalStateException(
                            "A server needs a store for its sessions: give it db(...) or give the agents and teams one"));
            if (durable != null) {
                for (Component<?> c : all) {
                    if (!durable.executes(c)) {
                        throw new IllegalStateException("'" + c.id() + "' is served but not one of the durable runs'"
                                + " components: add it with DurableRuns.builder(db).component(...)");
                    }
                }
            }
            ServerSettings settings = new ServerSettings(Map.copyOf(agents), Map.copyOf(teams),
                    List.copyOf(agents.keySet()), List.copyOf(teams.keySet()), store,
                    Optional.ofNullable(runManager), host, port, authenticator(), corsOrigins,
                    heartbeat, requestTimeout, osId, List.copyOf(closeOnStop),
                    durable != null ? Execution.durable(durable) : Execution.local(), Optional.ofNullable(prometheus), ui);
            return new CadreServer(new AgentOsApi(settings));
        }
    }
}
