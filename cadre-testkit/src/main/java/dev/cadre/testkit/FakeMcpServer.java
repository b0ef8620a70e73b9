package dev.cadre.testkit;

import dev.cadre.testkit.internal.mcp.McpHosts;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A small real MCP server, built on the official MCP Java SDK's server side, for tests of MCP clients: over
 * streamable HTTP in the test's process ({@link #startHttp()}), or over stdio as a process of its own
 * ({@link #stdioCommand()}, which runs {@link #main}).
 *
 * <p>Its tools:
 * <ul>
 *   <li>{@code add(a, b)}: the sum, as text;</li>
 *   <li>{@code slow(ignore_cancel)}: runs until {@linkplain #releaseSlowCalls() released} or, unless
 *       {@code ignore_cancel} is true, until the server gets {@code notifications/cancelled} for its request; records {@link FakeMcpEvents.Kind#SLOW_STARTED},
 *       {@link FakeMcpEvents.Kind#CANCELLED} and {@link FakeMcpEvents.Kind#SLOW_ENDED};</li>
 *   <li>{@code fail()}: a result marked {@code isError}, text "the fail tool always fails";</li>
 *   <li>{@code die()}: the stdio process halts (exit code 3); the HTTP server stops, cutting its connections;</li>
 *   <li>{@code env(name)}, {@code cwd()}: a variable of the server's environment, its working directory;</li>
 *   <li>{@code picture()}: the text "a red dot" and a PNG image.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class FakeMcpServer implements AutoCloseable {

    private final FakeMcpEvents events = new FakeMcpEvents();
    private final McpHosts.Http http;

    private FakeMcpServer() throws Exception {
        this.http = new McpHosts.Http(events::record);
    }

    /** Starts the server on a free loopback port; its endpoint is {@link #url()}. */
    public static FakeMcpServer startHttp() {
        try {
            return new FakeMcpServer();
        } catch (Exception e) {
            throw new IllegalStateException("The fake MCP server did not start", e);
        }
    }

    /** The streamable-HTTP endpoint, {@code http://127.0.0.1:<port>/mcp}. */
    public URI url() {
        return http.url();
    }

    /** What the server saw. */
    public FakeMcpEvents events() {
        return events;
    }

    /** The value of header {@code name} (any case) on the last POST that carried it. */
    public java.util.Optional<String> lastHeader(String name) {
        return http.lastHeader(name);
    }

    /** Ends every {@code slow} call that runs, with the result "slow is done". */
    public void releaseSlowCalls() {
        http.releaseSlowCalls();
    }

    @Override
    public void close() throws Exception {
        http.close();
    }

    /**
     * The command line that starts the server as a stdio process: this JVM's {@code java} with this JVM's
     * class and module path as the class path. Give the process's stderr lines to a {@link FakeMcpEvents} to
     * see its events.
     */
    public static List<String> stdioCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
                .filter(Objects::nonNull).filter(p -> !p.isBlank()).collect(Collectors.joining(File.pathSeparator));
        return List.of(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath,
                FakeMcpServer.class.getName());
    }

    /** Serves MCP on stdin and stdout until stdin ends; events go to stderr. */
    public static void main(String[] args) throws InterruptedException {
        McpHosts.serveStdio(FakeMcpEvents.LINE_PREFIX);
    }
}
