package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cadre.mcp.McpException;
import dev.cadre.model.AbortSignal;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.util.context.Context;

/**
 * One initialized MCP client session with one server. Thread-safe: tool calls may run at the same time.
 *
 * <p>A call ends at once when its run is cancelled (the server is sent {@code notifications/cancelled} for the
 * request and nobody waits for its answer) or when the server's process exits. After the server is gone every
 * call fails with an {@link McpException} saying so: Cadre does not start it again by itself.
 */
public final class McpConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(McpConnection.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    /** How long the server may take to initialize and to answer a request. */
    public record Settings(Duration initializationTimeout, Duration requestTimeout) {
    }

    private final Endpoint endpoint;
    private final StderrTail stderr;
    private final TrackingTransport transport;
    private final McpAsyncClient client;
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private volatile Optional<Process> process = Optional.empty();
    /** Why the server is gone (a {@link ServerGone} or {@link StartFailed}), once it is. */
    private volatile Optional<RuntimeException> gone = Optional.empty();
    private volatile boolean closed;

    private McpConnection(Endpoint endpoint, Settings settings) {
        this.endpoint = endpoint;
        this.stderr = new StderrTail(endpoint instanceof Endpoint.Stdio s ? s.stderr() : line -> { });
        this.transport = new TrackingTransport(transport(endpoint, settings));
        this.client = McpClient.async(transport)
                .clientInfo(new McpSchema.Implementation("cadre", "0.1.0"))
                .initializationTimeout(settings.initializationTimeout())
                .requestTimeout(settings.requestTimeout())
                .jsonSchemaValidator(new DefaultJsonSchemaValidator())
                .build();
    }

    /**
     * Starts or reaches the server and initializes the session.
     *
     * @throws McpException when the server cannot be started or reached, or fails to initialize
     */
    public static McpConnection open(Endpoint endpoint, Settings settings) {
        McpConnection c;
        try {
            c = new McpConnection(endpoint, settings);
        } catch (IllegalArgumentException e) {
            throw new McpException("MCP server " + endpoint.describe() + " cannot be used: " + e.getMessage(), e);
        }
        try {
            c.await(c.client.initialize().toFuture());
            return c;
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new McpException("Interrupted while connecting to MCP server " + endpoint.describe(), e);
        } catch (ExecutionException e) {
            c.close();
            throw c.failure(e.getCause(), "before it initialized", "could not be "
                    + (endpoint instanceof Endpoint.Stdio ? "started" : "reached"));
        }
    }

    /** The server as messages name it. */
    public String describe() {
        return endpoint.describe();
    }

    /** Every tool the server lists, following its pages. */
    public List<McpSchema.Tool> listTools() {
        List<McpSchema.Tool> tools = new ArrayList<>();
        String cursor = null;
        try {
            do {
                McpSchema.ListToolsResult page = await(client.listTools(cursor).toFuture());
                tools.addAll(page.tools());
                cursor = page.nextCursor();
            } while (cursor != null && !cursor.isEmpty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new McpException("Interrupted while listing the tools of MCP server " + describe(), e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), "while listing its tools", "failed to list its tools");
        }
        return tools;
    }

    /**
     * Calls tool {@code name}. Returns when the server answers, or throws at once when {@code cancel} is aborted
     * or the thread interrupted (after telling the server), or when the server exits.
     *
     * @throws InterruptedException when the call was cancelled or interrupted
     * @throws McpException when the server is gone, answers with a JSON-RPC error or does not answer in time
     */
    public McpSchema.CallToolResult call(String name, Map<String, Object> arguments, AbortSignal cancel)
            throws InterruptedException {
        gone.ifPresent(why -> {
            throw new McpException("MCP server " + shownName() + " " + (why instanceof StartFailed
                    ? "could not be started" : why.getMessage()) + "; its tools stay unavailable until it is"
                    + " connected again (a new McpTools, or restart Cadre)");
        });
        if (closed) {
            throw new McpException("The connection to MCP server " + shownName() + " was closed");
        }
        InFlightCall call = new InFlightCall();
        CompletableFuture<McpSchema.CallToolResult> result = client.callTool(new McpSchema.CallToolRequest(name,
                arguments)).contextWrite(Context.of(TrackingTransport.KEY, call)).toFuture();
        try (AbortSignal.Registration abort = cancel.onAbort(() -> cancel(call, result))) {
            return await(result);
        } catch (InterruptedException e) {
            cancel(call, result);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            if (closed) {
                throw new McpException("The connection to MCP server " + shownName() + " was closed during the call"
                        + " of " + name);
            }
            if (e instanceof CancellationException || e.getCause() instanceof CancellationException
                    || cancel.isAborted()) {
                throw new InterruptedException("The run was cancelled during the call of " + name);
            }
            throw failure(e.getCause(), "during the call of " + name, "failed during the call of " + name,
                    shownName(), "");
        }
    }

    /** Tells the server the request is cancelled (once it was sent) and stops waiting for its answer. */
    private void cancel(InFlightCall call, CompletableFuture<?> result) {
        if (!call.cancel()) {
            return; // the abort action and the interrupt both get here
        }
        call.whenSent(id -> transport.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                        "notifications/cancelled", Map.of("requestId", id, "reason", "The run was cancelled")))
                .subscribe(v -> { }, e -> LOG.debug("MCP server {}: the cancel of request {} was not sent",
                        describe(), id, e)));
        result.cancel(true);
    }

    /**
     * Waits for {@code future}, or for the server to go: a server that exits fails what waits with
     * {@link ServerGone}.
     */
    private <T> T await(CompletableFuture<T> future) throws InterruptedException, ExecutionException {
        waiting.add(future);
        try {
            gone.ifPresent(future::completeExceptionally);
            return future.get();
        } finally {
            waiting.remove(future);
        }
    }

    private void serverGone(String reason) {
        if (closed) {
            return;
        }
        ServerGone why = new ServerGone(reason);
        gone = Optional.of(why);
        LOG.warn("MCP server {} {}{}", describe(), reason, stderr.suffix());
        waiting.forEach(f -> f.completeExceptionally(why));
    }

    /** A failure before the session is in use: names the server by its command line or URL, with its stderr. */
    private McpException failure(Throwable cause, String when, String what) {
        return failure(cause, when, what, describe(), stderr.suffix());
    }

    /**
     * A failure of {@code cause}. {@code server} names the server; {@code details} (the stderr's last lines)
     * is appended where the server's output may explain it.
     */
    private static McpException failure(Throwable cause, String when, String what, String server, String details) {
        if (cause instanceof ServerGone g) {
            return new McpException("MCP server " + server + " " + g.getMessage() + " " + when + details);
        }
        if (cause instanceof StartFailed f) {
            return new McpException("MCP server " + server + " could not be started: " + f.getMessage());
        }
        if (cause instanceof McpError e) {
            return new McpException("MCP server " + server + " " + what + ": " + e.getMessage(), e);
        }
        if (cause instanceof TimeoutException) {
            return new McpException("MCP server " + server + " did not answer in time " + when, cause);
        }
        return new McpException("MCP server " + server + " " + what + ": " + rootMessage(cause) + details, cause);
    }

    /**
     * How the server is named in the errors of tool calls, which the model reads and a run's output keeps: the
     * name it gave itself, not its command line or URL (paths, hosts).
     */
    private String shownName() {
        McpSchema.Implementation info = client.getServerInfo();
        return "'" + (info != null && info.name() != null && !info.name().isBlank() ? info.name() : "server") + "'";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return msg == null || msg.isBlank() ? root.getClass().getSimpleName() : msg;
    }

    private McpClientTransport transport(Endpoint endpoint, Settings settings) {
        return switch (endpoint) {
            case Endpoint.Stdio s -> new StdioTransport(s, JSON, stderr, this::started, this::notStarted);
            case Endpoint.Http h -> {
                URI url = h.url();
                HttpRequest.Builder request = HttpRequest.newBuilder();
                h.headers().forEach(request::header);
                String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
                yield HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getRawAuthority())
                        .endpoint(path)
                        .jsonMapper(JSON)
                        .requestBuilder(request)
                        .connectTimeout(settings.initializationTimeout())
                        .build();
            }
        };
    }

    private void notStarted(Throwable cause) {
        // The SDK wraps the IOException that names the program and why it did not run.
        StartFailed why = new StartFailed(cause.getCause() != null && cause.getCause().getMessage() != null
                ? cause.getCause().getMessage().strip() : rootMessage(cause));
        gone = Optional.of(why);
        waiting.forEach(f -> f.completeExceptionally(why));
    }

    private void started(Process p) {
        process = Optional.of(p);
        p.onExit().thenAccept(exited -> serverGone("exited with code " + exited.exitValue()));
    }

    /** Closes the session; a stdio server is asked to stop, and killed when it does not within two seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waiting.forEach(f -> f.cancel(true));
        try {
            client.closeGracefully().timeout(CLOSE_GRACE).block();
        } catch (RuntimeException e) {
            LOG.debug("MCP server {} did not close gracefully", describe(), e);
        }
        process.filter(Process::isAlive).ifPresent(p -> {
            p.destroyForcibly();
            try {
                p.onExit().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("MCP server {} (pid {}) did not exit after it was killed", describe(), p.pid());
            }
        });
    }

    /** The server's process could not be started. */
    private static final class StartFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The server's process exited. */
    private static final class ServerGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServerGone(String reason) {
            super(reason, null, false, false);
        }
    }
}
