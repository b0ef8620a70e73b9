package dev.cadre.anthropic.internal;

import com.anthropic.core.JsonValue;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.model.Message;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.Role;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a Cadre {@link ModelRequest} to the SDK's Messages API parameters. Not public API.
 *
 * <ul>
 *   <li>System messages become the {@code system} parameter, joined by blank lines.</li>
 *   <li>Tool results become {@code tool_result} blocks of a user turn; consecutive tool results (and a user
 *       message right after them) are merged into one user turn, as Anthropic wants turns to alternate.</li>
 *   <li>An assistant message's tool calls become {@code tool_use} blocks, after its text; with extended
 *       thinking on, the turn's thinking blocks from the {@link ThinkingCache} go first.</li>
 *   <li>An output schema becomes a synthetic tool (see {@link OutputTool}).</li>
 * </ul>
 */
public final class RequestMapping {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestMapping() {
    }

    /** A turn being built: consecutive messages of one side are merged into it. */
    private record Turn(boolean assistant, List<ContentBlockParam> blocks) {
    }

    public static MessageCreateParams params(Settings s, ThinkingCache cache, ModelRequest request,
            Optional<OutputTool> output) {
        MessageCreateParams.Builder b = MessageCreateParams.builder().model(s.id()).maxTokens(s.maxTokens());
        boolean thinking = s.thinkingBudget().isPresent() && thinkingKnown(cache, request.messages());
        List<String> system = new ArrayList<>();
        List<Turn> turns = new ArrayList<>();
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> {
                    if (!m.content().isBlank()) {
                        system.add(m.content());
                    }
                }
                case USER -> {
                    if (!m.content().isEmpty()) {
                        side(turns, false).add(text(m.content()));
                    }
                }
                case TOOL -> side(turns, false).add(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(m.toolCallId().orElse("")).content(m.content()).build()));
                case ASSISTANT -> assistant(turns, m, thinking ? cache : null);
            }
        }
        for (ToolDefinition tool : request.tools()) {
            b.addTool(tool(tool.name(), tool.description(), tool.parameters()));
        }
        output.ifPresent(o -> {
            b.addTool(tool(o.name(), OutputTool.DESCRIPTION, o.schema().schema()));
            // Anthropic forces a tool only without extended thinking; otherwise the model is told to use it.
            if (request.tools().isEmpty() && !thinking) {
                b.toolChoice(ToolChoiceTool.builder().name(o.name()).build());
            } else {
                system.add(o.instruction());
            }
        });
        if (!system.isEmpty()) {
            b.system(String.join("\n\n", system));
        }
        for (Turn t : turns) {
            b.addMessage(t.assistant() ? MessageParam.ofAssistantOfContentBlockParams(t.blocks())
                    : MessageParam.ofUserOfContentBlockParams(t.blocks()));
        }
        if (thinking) {
            b.enabledThinking(s.thinkingBudget().getAsLong());
        } else {
            // Anthropic accepts a temperature only without extended thinking.
            s.temperature().ifPresent(t -> b.putAdditionalBodyProperty("temperature", JsonValue.from(t)));
        }
        s.topP().ifPresent(p -> b.putAdditionalBodyProperty("top_p", JsonValue.from(p)));
        s.topK().ifPresent(k -> b.putAdditionalBodyProperty("top_k", JsonValue.from(k)));
        if (!s.stopSequences().isEmpty()) {
            b.stopSequences(s.stopSequences());
        }
        return b.build();
    }

    /**
     * Whether extended thinking can stay on: Anthropic wants the assistant turn whose tool results this
     * request answers sent back with its thinking blocks. When they are not known (another process made
     * that turn, or the cache let them go), the request goes without extended thinking instead of failing.
     */
    static boolean thinkingKnown(ThinkingCache cache, List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role() == Role.USER) {
                return true;
            }
            if (m.role() == Role.ASSISTANT) {
                return m.toolCalls().isEmpty() || cache.recall(m.toolCalls().get(0).id()).isPresent();
            }
        }
        return true;
    }

    private static void assistant(List<Turn> turns, Message m, ThinkingCache cache) {
        List<ContentBlockParam> blocks = new ArrayList<>();
        if (cache != null && !m.toolCalls().isEmpty()) {
            cache.recall(m.toolCalls().get(0).id()).ifPresent(blocks::addAll);
        }
        if (!m.content().isEmpty()) {
            blocks.add(text(m.content()));
        }
        for (ToolCall call : m.toolCalls()) {
            blocks.add(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder().id(call.id()).name(call.name())
                    .input(input(call.arguments())).build()));
        }
        if (!blocks.isEmpty()) {
            side(turns, true).addAll(blocks);
        }
    }

    /** The blocks of the last turn if it is of this side, else of a new turn. */
    private static List<ContentBlockParam> side(List<Turn> turns, boolean assistant) {
        if (turns.isEmpty() || turns.get(turns.size() - 1).assistant() != assistant) {
            turns.add(new Turn(assistant, new ArrayList<>()));
        }
        return turns.get(turns.size() - 1).blocks();
    }

    private static ContentBlockParam text(String text) {
        return ContentBlockParam.ofText(TextBlockParam.builder().text(text).build());
    }

    /** A tool call's arguments as the object Anthropic wants; arguments that are no JSON object send {}. */
    private static ToolUseBlockParam.Input input(String arguments) {
        ToolUseBlockParam.Input.Builder in = ToolUseBlockParam.Input.builder();
        try {
            JsonNode node = JSON.readTree(arguments);
            if (node != null && node.isObject()) {
                node.properties().forEach(e -> in.putAdditionalProperty(e.getKey(),
                        JsonValue.fromJsonNode(e.getValue())));
            }
        } catch (Exception malformed) {
            // The model wrote arguments that are not JSON; the tool already failed on them. Anthropic needs
            // an object here, and the tool result says what went wrong.
        }
        return in.build();
    }

    static Tool tool(String name, String description, JsonNode schema) {
        Tool.InputSchema.Builder in = Tool.InputSchema.builder();
        Map<String, JsonValue> properties = new LinkedHashMap<>();
        schema.path("properties").properties().forEach(e -> properties.put(e.getKey(),
                JsonValue.fromJsonNode(e.getValue())));
        in.properties(Tool.InputSchema.Properties.builder().additionalProperties(properties).build());
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        if (!required.isEmpty()) {
            in.required(required);
        }
        schema.properties().forEach(e -> {
            if (!List.of("type", "properties", "required").contains(e.getKey())) {
                in.putAdditionalProperty(e.getKey(), JsonValue.fromJsonNode(e.getValue()));
            }
        });
        return Tool.builder().name(name).description(description).inputSchema(in.build()).build();
    }

    /** The tool names of a request, to keep the synthetic output tool's name apart from them. */
    static List<String> toolNames(ModelRequest request) {
        return request.tools().stream().map(ToolDefinition::name).toList();
    }

    /** The output tool of a request with an output schema. */
    public static Optional<OutputTool> outputTool(ModelRequest request) {
        return request.outputSchema().map((OutputSchema schema) -> OutputTool.of(schema, toolNames(request)));
    }
}
