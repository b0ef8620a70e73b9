package dev.cadre.mcp.internal;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's stdio transport, started in a working directory, with access to the server's process.
 *
 * <p>The SDK keeps the {@link Process} to itself: when the server exits, the request in flight is left waiting
 * until its timeout, and closing waits for the process without end if it ignores SIGTERM. Cadre needs the
 * process to end such a call at once and to kill the server on close, so it reads the SDK's private field (the
 * SDK's jar is an automatic module, whose packages are open). Should a later SDK drop the field, {@link
 * #process()} is empty and Cadre falls back to the SDK's timeouts.
 */
final class StdioTransport extends StdioClientTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

    private final Endpoint.Stdio endpoint;
    private final Consumer<Process> started;
    private final Consumer<Throwable> failed;

    /**
     * @param stderr receives the server's stderr, line by line
     * @param started told of the server's process once it runs
     * @param failed told when the process cannot be started (the SDK's session drops that error, and the
     *     request waiting for the server would wait until its timeout)
     */
    StdioTransport(Endpoint.Stdio endpoint, McpJsonMapper json, Consumer<String> stderr, Consumer<Process> started,
            Consumer<Throwable> failed) {
        super(ServerParameters.builder(endpoint.command()).args(endpoint.args()).env(endpoint.env()).build(), json);
        this.endpoint = endpoint;
        this.started = started;
        this.failed = failed;
        setStdErrorHandler(stderr);
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        // The SDK's connect ends once the process has started.
        return super.connect(handler).doOnError(failed)
                .then(Mono.fromRunnable(() -> process().ifPresent(started)));
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
        ProcessBuilder builder = new ProcessBuilder();
        endpoint.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
        return builder;
    }

    /** The server's process, once started. */
    Optional<Process> process() {
        try {
            Field field = StdioClientTransport.class.getDeclaredField("process");
            field.setAccessible(true);
            return Optional.ofNullable((Process) field.get(this));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("The MCP SDK's stdio transport does not show its process", e);
            return Optional.empty();
        }
    }
}
