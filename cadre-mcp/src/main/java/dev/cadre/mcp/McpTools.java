package dev.cadre.mcp;

import dev.cadre.mcp.internal.Endpoint;
import dev.cadre.mcp.internal.McpConnection;
import dev.cadre.mcp.internal.McpTool;
import dev.cadre.tool.Tool;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools of one MCP server, as Cadre {@link Tool}s. {@link Builder#build()} starts the server (stdio) or
 * reaches it (streamable HTTP), initializes the MCP session and lists the server's tools, once:
 *
 * <pre>{@code
 * try (McpTools files = McpTools.builder()
 *         .command("npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/docs")
 *         .prefix("fs_")
 *         .build()) {
 *     Agent agent = Agent.builder().name("Librarian").model(model).tools(files.tools()).build();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Calls.</b> Each tool call is a {@code tools/call} request; the tools are thread-safe and calls may run at
 * the same time. The result's text content is the tool's result (other content is described in brackets); a
 * result the server marks as an error, and any failure of the call, is the tool's error, which the model reads.
 * When the run is cancelled during a call the server is sent {@code notifications/cancelled} for the request and
 * the call ends at once, without waiting for the server.
 *
 * <p><b>A server that exits</b> (stdio) ends the calls in flight with an error; later calls fail with an error
 * saying the server is gone. Cadre does not restart it: build a new {@code McpTools}.
 *
 * <p><b>Closing</b> ends the session; a stdio server is stopped (killed when it does not stop within two
 * seconds). Close it when the agents that use its tools are done.
 */
public final class McpTools implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(McpTools.class);
    private static final String TOOL_NAME = "[a-zA-Z0-9_-]{1,64}";

    private final McpConnection connection;
    private final List<Tool> tools;

    private McpTools(McpConnection connection, List<Tool> tools) {
        this.connection = connection;
        this.tools = tools;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The server's tools after the filters, named with the prefix, in the order the server lists them. */
    public List<Tool> tools() {
        return tools;
    }

    /** The server as error messages name it: its command line, or its URL without query. */
    public String server() {
        return connection.describe();
    }

    /** Ends the session and stops a stdio server. Idempotent; calls still in flight fail. */
    @Override
    public void close() {
        connection.close();
    }

    /** Describes one MCP server and which of its tools to offer. Not thread-safe. */
    public static final class Builder {

        private String command;
        private List<String> args = List.of();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workingDirectory;
        private Consumer<String> stderr;
        private URI url;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String prefix = "";
        private final Set<String> include = new LinkedHashSet<>();
        private final Set<String> exclude = new LinkedHashSet<>();
        private Duration initializationTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofMinutes(5);

        private Builder() {
        }

        /** A server started as a process that speaks MCP on its stdin and stdout. */
        public Builder command(String command, String... args) {
            return command(command, Arrays.asList(args));
        }

        /** A server started as a process that speaks MCP on its stdin and stdout. */
        public Builder command(String command, List<String> args) {
            this.command = Objects.requireNonNull(command, "command");
            this.args = List.copyOf(args);
            return this;
        }

        /** Sets a variable in the server's environment, which is otherwise this process's. Stdio only. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets variables in the server's environment, which is otherwise this process's. Stdio only. */
        public Builder env(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        /** Where the server process runs; this process's working directory by default. Stdio only. */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Receives each line the server writes to its stderr, on a thread of the transport (keep it quick).
         * By default the lines are logged at debug level. The last lines are also part of the error when the
         * server fails to start or exits. Stdio only.
         */
        public Builder stderr(Consumer<String> lines) {
            this.stderr = Objects.requireNonNull(lines, "lines");
            return this;
        }

        /** A server at a streamable-HTTP endpoint, e.g. {@code http://localhost:8931/mcp}. */
        public Builder url(String url) {
            return url(URI.create(Objects.requireNonNull(url, "url")));
        }

        /** A server at a streamable-HTTP endpoint, e.g. {@code http://localhost:8931/mcp}. */
        public Builder url(URI url) {
            String scheme = url.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || url.getHost() == null) {
                throw new IllegalArgumentException("MCP server URL " + url + " must be an absolute http or https URL");
            }
            this.url = url;
            return this;
        }

        /** Sends a header with every request, e.g. {@code Authorization}. HTTP only. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sends headers with every request. HTTP only. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /**
         * Put before each tool's name as the model sees it ({@code "gh_"} makes {@code search} {@code gh_search}),
         * so that tools of several servers do not clash. Filters name the server's own names.
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Offers only these tools (the server's names). Every name must be one the server lists. */
        public Builder include(String... names) {
            return include(Arrays.asList(names));
        }

        /** Offers only these tools (the server's names). Every name must be one the server lists. */
        public Builder include(Collection<String> names) {
            include.addAll(names);
            return this;
        }

        /** Leaves these tools out (the server's names). */
        public Builder exclude(String... names) {
            return exclude(Arrays.asList(names));
        }

        /** Leaves these tools out (the server's names). */
        public Builder exclude(Collection<String> names) {
            exclude.addAll(names);
            return this;
        }

        /** How long the server may take to start and initialize; 30 seconds by default. */
        public Builder initializationTimeout(Duration timeout) {
            this.initializationTimeout = positive(timeout, "initializationTimeout");
            return this;
        }

        /** How long one tool call may take before it fails; 5 minutes by default. A cancel ends it sooner. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Starts or reaches the server, initializes the session and lists its tools. Blocks until done.
         *
         * @throws IllegalStateException when neither or both of {@link #command} and {@link #url} were given
         * @throws McpException when the server cannot be started or reached, fails to initialize, or offers a
         *     tool the model APIs cannot take as it is; the session is closed then
         */
        public McpTools build() {
            McpConnection connection = McpConnection.open(endpoint(),
                    new McpConnection.Settings(initializationTimeout, requestTimeout));
            try {
                return new McpTools(connection, select(connection));
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        private Endpoint endpoint() {
            if ((command == null) == (url == null)) {
                throw new IllegalStateException("An MCP server needs either command(...) (stdio) or url(...)"
                        + " (streamable HTTP), not " + (command == null ? "neither" : "both"));
            }
            if (command != null) {
                String described = "'" + command + "'";
                return new Endpoint.Stdio(command, args, env, Optional.ofNullable(workingDirectory),
                        stderr != null ? stderr : line -> LOG.debug("MCP server {} stderr: {}", described, line));
            }
            if (!env.isEmpty() || workingDirectory != null || stderr != null) {
                throw new IllegalStateException("env, workingDirectory and stderr are for stdio servers;"
                        + " the server at " + url + " is reached over HTTP");
            }
            return new Endpoint.Http(url, headers);
        }

        private List<Tool> select(McpConnection connection) {
            var listed = connection.listTools();
            Set<String> names = new LinkedHashSet<>();
            listed.forEach(t -> names.add(t.name()));
            Set<String> unknown = new LinkedHashSet<>(include);
            unknown.addAll(exclude);
            unknown.removeAll(names);
            if (!unknown.isEmpty()) {
                throw new McpException("MCP server " + connection.describe() + " has no tool named "
                        + String.join(", ", unknown) + " (named in include/exclude); its tools are: "
                        + String.join(", ", names));
            }
            List<Tool> tools = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (var tool : listed) {
                if (!include.isEmpty() && !include.contains(tool.name()) || exclude.contains(tool.name())) {
                    continue;
                }
                String name = prefix + tool.name();
                if (!name.matches(TOOL_NAME)) {
                    throw new McpException("MCP server " + connection.describe() + " has a tool named '" + tool.name()
                            + "', which as '" + name + "' is not a name the model APIs accept (1 to 64 letters,"
                            + " digits, '_' or '-'): exclude it, or change the prefix");
                }
                if (!seen.add(name)) {
                    throw new McpException("MCP server " + connection.describe() + " lists two tools named '"
                            + tool.name() + "'");
                }
                tools.add(new McpTool(connection, tool, name));
            }
            return List.copyOf(tools);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
