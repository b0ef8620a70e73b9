package dev.cadre.gemini.internal;

import com.google.genai.types.AutomaticFunctionCallingConfig;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.Part;
import com.google.genai.types.ThinkingConfig;
import com.google.genai.types.Tool;
import dev.cadre.model.Message;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Cadre's requests to the SDK's {@code contents} and {@code GenerateContentConfig}. Not public API.
 *
 * <ul>
 *   <li>system messages → {@code systemInstruction} (one text part each);
 *   <li>user → {@code user} content; assistant → {@code model} content: its text, then a {@code functionCall}
 *       part per tool call, with the call's thought signature when one is remembered;
 *   <li>tool results → {@code functionResponse} parts {@code {"result": output}}; consecutive results are one
 *       {@code user} content, as Gemini wants the answers to one turn's calls together;
 *   <li>tools → one {@code Tool} of {@code functionDeclarations} with the JSON schema as
 *       {@code parametersJsonSchema};
 *   <li>an output schema → {@code responseMimeType: application/json} and {@code responseJsonSchema}.
 * </ul>
 */
public final class RequestMapping {

    /** Ids Cadre made up for calls Gemini gave none; never sent back, as Gemini does not know them. */
    public static final String LOCAL_ID_PREFIX = "cadre_fc_";

    private RequestMapping() {
    }

    public static List<Content> contents(ModelRequest request, ThoughtSignatures signatures) {
        List<Content> out = new ArrayList<>();
        Map<String, String> callNames = new HashMap<>();
        List<Part> toolResults = new ArrayList<>();
        for (Message m : request.messages()) {
            if (m.role() != dev.cadre.model.Role.TOOL && !toolResults.isEmpty()) {
                out.add(content("user", toolResults));
                toolResults = new ArrayList<>();
            }
            switch (m.role()) {
                case SYSTEM -> {
                    // Sent as systemInstruction (see config).
                }
                case USER -> out.add(content("user", List.of(Part.fromText(m.content()))));
                case ASSISTANT -> {
                    List<Part> parts = new ArrayList<>();
                    if (!m.content().isEmpty()) {
                        parts.add(Part.fromText(m.content()));
                    }
                    for (ToolCall call : m.toolCalls()) {
                        callNames.put(call.id(), call.name());
                        FunctionCall.Builder fc = FunctionCall.builder().name(call.name())
                                .args(Json.object(call.arguments()));
                        if (!call.id().startsWith(LOCAL_ID_PREFIX)) {
                            fc.id(call.id());
                        }
                        Part.Builder p = Part.builder().functionCall(fc.build());
                        signatures.recall(call).ifPresent(p::thoughtSignature);
                        parts.add(p.build());
                    }
                    if (parts.isEmpty()) {
                        parts.add(Part.fromText(""));
                    }
                    out.add(content("model", parts));
                }
                case TOOL -> {
                    String id = m.toolCallId().orElse("");
                    String name = m.toolName().orElseGet(() -> callNames.getOrDefault(id, "tool"));
                    FunctionResponse.Builder fr = FunctionResponse.builder().name(name)
                            .response(Map.of("result", m.content()));
                    if (!id.isEmpty() && !id.startsWith(LOCAL_ID_PREFIX)) {
                        fr.id(id);
                    }
                    toolResults.add(Part.builder().functionResponse(fr.build()).build());
                }
            }
        }
        if (!toolResults.isEmpty()) {
            out.add(content("user", toolResults));
        }
        return out;
    }

    public static GenerateContentConfig config(Settings s, ModelRequest request) {
        GenerateContentConfig.Builder b = GenerateContentConfig.builder()
                // Cadre runs the tools itself; the SDK must not.
                .automaticFunctionCalling(AutomaticFunctionCallingConfig.builder().disable(true).build())
                .automaticContinuation(false);
        List<Part> system = request.messages().stream().filter(m -> m.role() == dev.cadre.model.Role.SYSTEM)
                .map(m -> Part.fromText(m.content())).toList();
        if (!system.isEmpty()) {
            b.systemInstruction(Content.builder().parts(system).build());
        }
        if (!request.tools().isEmpty()) {
            List<FunctionDeclaration> declarations = new ArrayList<>();
            for (ToolDefinition tool : request.tools()) {
                declarations.add(FunctionDeclaration.builder().name(tool.name()).description(tool.description())
                        .parametersJsonSchema(Json.object(tool.parameters())).build());
            }
            b.tools(List.of(Tool.builder().functionDeclarations(declarations).build()));
        }
        request.outputSchema().ifPresent(schema -> b.responseMimeType("application/json")
                .responseJsonSchema(Json.object(schema.schema())));
        s.temperature().ifPresent(t -> b.temperature((float) t));
        s.topP().ifPresent(p -> b.topP((float) p));
        s.topK().ifPresent(k -> b.topK((float) k));
        s.maxOutputTokens().ifPresent(b::maxOutputTokens);
        s.seed().ifPresent(b::seed);
        if (!s.stopSequences().isEmpty()) {
            b.stopSequences(s.stopSequences());
        }
        if (s.thinkingBudget().isPresent() || s.includeThoughts().isPresent() || s.thinkingLevel().isPresent()) {
            ThinkingConfig.Builder t = ThinkingConfig.builder();
            s.thinkingBudget().ifPresent(t::thinkingBudget);
            s.includeThoughts().ifPresent(t::includeThoughts);
            s.thinkingLevel().ifPresent(t::thinkingLevel);
            b.thinkingConfig(t.build());
        }
        return b.build();
    }

    private static Content content(String role, List<Part> parts) {
        return Content.builder().role(role).parts(parts).build();
    }
}
