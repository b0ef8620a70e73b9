package dev.cadre.mcp.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.mcp.McpException;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunContext;
import dev.cadre.tool.Tool;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * One tool of an MCP server as a Cadre {@link Tool}: its name (with the optional prefix), description and input
 * schema as the server lists them; a call is a {@code tools/call} on the server's connection.
 *
 * <p>A result the server marks {@code isError} is thrown as an {@link McpException} with the result's text, so
 * the model reads it as the tool's error.
 */
public final class McpTool implements Tool {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final McpConnection connection;
    private final String remoteName;
    private final ToolDefinition definition;

    public McpTool(McpConnection connection, McpSchema.Tool tool, String name) {
        this.connection = connection;
        this.remoteName = tool.name();
        this.definition = new ToolDefinition(name, description(tool), schema(tool));
    }

    /** The tool's name on its server (without the prefix). */
    public String remoteName() {
        return remoteName;
    }

    @Override
    public ToolDefinition definition() {
        return definition;
    }

    @Override
    public String call(JsonNode arguments, RunContext context) throws Exception {
        McpSchema.CallToolResult result = connection.call(remoteName, JSON.convertValue(arguments, MAP),
                context.cancellation());
        String text = ResultText.of(result, JSON);
        if (Boolean.TRUE.equals(result.isError())) {
            throw new McpException(text.isBlank() ? "MCP tool " + remoteName + " reported an error" : text);
        }
        return text;
    }

    private static String description(McpSchema.Tool tool) {
        if (tool.description() != null && !tool.description().isBlank()) {
            return tool.description();
        }
        return tool.title() != null ? tool.title() : "";
    }

    /** The server's input schema; an object schema without properties when it lists none. */
    private static JsonNode schema(McpSchema.Tool tool) {
        ObjectNode schema = tool.inputSchema() == null ? JSON.createObjectNode() : JSON.valueToTree(tool.inputSchema());
        if (!schema.has("type")) {
            schema.put("type", "object");
        }
        if (!schema.has("properties")) {
            schema.putObject("properties");
        }
        return schema;
    }
}
