package dev.cadre.testkit.internal.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cadre.testkit.FakeMcpEvents;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/**
 * The tools of the fake MCP server and what it sees on the wire.
 *
 * <p>The SDK's server neither handles {@code notifications/cancelled} nor tells a tool handler its request id,
 * so every incoming message passes through {@link #onMessage} first (the transports tap the raw JSON before
 * the SDK reads it): it learns the ids of {@code slow} calls in the order they arrive, and releases the call a
 * cancel names (unless it was called with {@code ignore_cancel}).
 */
public final class FakeMcpTools {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final BiConsumer<FakeMcpEvents.Kind, String> events;
    private final Runnable die;
    private final Queue<String> slowArrived = new ConcurrentLinkedQueue<>();
    private final Map<String, CountDownLatch> slowRunning = new ConcurrentHashMap<>();
    private final java.util.Set<String> cancellable = ConcurrentHashMap.newKeySet();

    /**
     * @param events where events go (recorded, or written to stderr)
     * @param die what the {@code die} tool does: ends the process, or stops the HTTP server
     */
    public FakeMcpTools(BiConsumer<FakeMcpEvents.Kind, String> events, Runnable die) {
        this.events = events;
        this.die = die;
    }

    /** Sees one incoming JSON-RPC message, before the SDK does. */
    public void onMessage(String raw) {
        JsonNode message;
        try {
            message = JSON.readTree(raw);
        } catch (Exception e) {
            return; // the SDK answers malformed input itself
        }
        if (message == null || !message.isObject()) {
            return;
        }
        String method = message.path("method").asText("");
        JsonNode params = message.path("params");
        if (method.equals("tools/call") && params.path("name").asText("").equals("slow")) {
            String id = message.path("id").asText();
            slowRunning.put(id, new CountDownLatch(1));
            if (!params.path("arguments").path("ignore_cancel").asBoolean(false)) {
                cancellable.add(id);
            }
            slowArrived.add(id);
        } else if (method.equals("notifications/cancelled")) {
            String id = params.path("requestId").asText();
            events.accept(FakeMcpEvents.Kind.CANCELLED, id);
            CountDownLatch latch = slowRunning.get(id);
            if (latch != null && cancellable.contains(id)) {
                latch.countDown();
            }
        }
    }

    /** Ends every {@code slow} call that runs. */
    public void releaseSlowCalls() {
        slowRunning.values().forEach(CountDownLatch::countDown);
    }

    public List<SyncToolSpecification> specifications() {
        return List.of(
                tool("add", "Adds two numbers", """
                        {"type":"object","properties":{"a":{"type":"number","description":"The first number"},
                        "b":{"type":"number","description":"The second number"}},"required":["a","b"]}""",
                        args -> text(format(number(args, "a") + number(args, "b")))),
                tool("slow", "Runs until it is released or cancelled", """
                        {"type":"object","properties":{"ignore_cancel":{"type":"boolean",
                        "description":"Run on after a cancel, until released"}}}""", args -> slow()),
                tool("fail", "Always fails", "{\"type\":\"object\",\"properties\":{}}",
                        args -> McpSchema.CallToolResult.builder().addTextContent("the fail tool always fails")
                                .isError(true).build()),
                tool("die", "Ends the server in the middle of the call", "{\"type\":\"object\",\"properties\":{}}",
                        args -> {
                            die.run();
                            throw new IllegalStateException("the server should have stopped");
                        }),
                tool("env", "Reads a variable of the server's environment", """
                        {"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""",
                        args -> text(String.valueOf(System.getenv(String.valueOf(args.get("name")))))),
                tool("cwd", "The server's working directory", "{\"type\":\"object\",\"properties\":{}}",
                        args -> text(Path.of("").toAbsolutePath().toString())),
                tool("picture", "Text and an image", "{\"type\":\"object\",\"properties\":{}}",
                        args -> McpSchema.CallToolResult.builder().addTextContent("a red dot")
                                .addContent(new McpSchema.ImageContent(null, "iVBORw0KGgo=", "image/png")).build()));
    }

    private McpSchema.CallToolResult slow() {
        String id = slowArrived.poll();
        if (id == null) {
            throw new IllegalStateException("a slow call the wire tap did not see");
        }
        events.accept(FakeMcpEvents.Kind.SLOW_STARTED, id);
        try {
            slowRunning.get(id).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slowRunning.remove(id);
            cancellable.remove(id);
            events.accept(FakeMcpEvents.Kind.SLOW_ENDED, id);
        }
        return text("slow is done");
    }

    private static SyncToolSpecification tool(String name, String description, String schema,
            java.util.function.Function<Map<String, Object>, McpSchema.CallToolResult> body) {
        Map<String, Object> inputSchema = JSON.convertValue(read(schema), Map.class);
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(inputSchema)
                .build();
        return SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> body.apply(request.arguments() == null ? Map.of()
                        : request.arguments()))
                .build();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static double number(Map<String, Object> args, String name) {
        if (!(args.get(name) instanceof Number n)) {
            throw new IllegalArgumentException("'" + name + "' must be a number");
        }
        return n.doubleValue();
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).build();
    }
}
