package dev.cadre.mcp.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/** Where an MCP server is: a process to start and talk to over stdio, or a streamable-HTTP endpoint. */
public sealed interface Endpoint {

    /** How the server is named in messages: its command line, or its URL without query or credentials. */
    String describe();

    /**
     * A server process speaking MCP on its stdin and stdout.
     *
     * @param env added to the environment Cadre's process passes on
     * @param stderr receives each line the server writes to its stderr
     */
    record Stdio(String command, List<String> args, Map<String, String> env, Optional<Path> workingDirectory,
            Consumer<String> stderr) implements Endpoint {
        public Stdio {
            Objects.requireNonNull(command, "command");
            args = List.copyOf(args);
            env = Map.copyOf(env);
            Objects.requireNonNull(workingDirectory, "workingDirectory");
            Objects.requireNonNull(stderr, "stderr");
        }

        @Override
        public String describe() {
            return "'" + String.join(" ", commandLine()) + "'";
        }

        public List<String> commandLine() {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(command), args.stream()).toList();
        }
    }

    /** A streamable-HTTP MCP endpoint; {@code headers} go with every request (e.g. Authorization). */
    record Http(URI url, Map<String, String> headers) implements Endpoint {
        public Http {
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
        }

        @Override
        public String describe() {
            // Neither user info nor query: they may hold credentials.
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + (url.getRawPath() == null ? "" : url.getRawPath());
        }
    }
}
