package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Gemini {@code GenerateContentRequest} as the conversation {@link RecordedRequest} shows for every
 * API: {@code systemInstruction} as a system message, {@code contents} of role {@code user} as user messages
 * (each {@code functionResponse} part as a tool message), of role {@code model} as assistant messages. Not
 * public API.
 */
public final class GeminiRequests {

    private GeminiRequests() {
    }

    public static List<RecordedRequest.Message> messages(JsonNode body) {
        List<RecordedRequest.Message> out = new ArrayList<>();
        String system = text(body.path("systemInstruction").path("parts"));
        if (body.has("systemInstruction")) {
            out.add(plain("system", system));
        }
        for (JsonNode content : body.path("contents")) {
            String role = content.path("role").asText("user");
            JsonNode parts = content.path("parts");
            if (role.equals("model")) {
                List<String> calls = new ArrayList<>();
                for (JsonNode part : parts) {
                    if (part.has("functionCall")) {
                        calls.add(part.path("functionCall").path("name").asText());
                    }
                }
                out.add(new RecordedRequest.Message("assistant", text(parts), Optional.empty(), calls));
                continue;
            }
            boolean responses = false;
            for (JsonNode part : parts) {
                JsonNode fr = part.get("functionResponse");
                if (fr != null) {
                    responses = true;
                    String id = fr.hasNonNull("id") ? fr.get("id").asText() : fr.path("name").asText();
                    out.add(new RecordedRequest.Message("tool", output(fr.path("response")), Optional.of(id),
                            List.of()));
                }
            }
            String text = text(parts);
            if (!responses || !text.isEmpty()) {
                out.add(plain("user", text));
            }
        }
        return List.copyOf(out);
    }

    /** The names of the function declarations offered, in order. */
    public static List<String> toolNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            for (JsonNode fn : tool.path("functionDeclarations")) {
                names.add(fn.path("name").asText());
            }
        }
        return List.copyOf(names);
    }

    /** A tool's output: the {@code result} (or {@code output}) a client wraps it in, else the whole response. */
    private static String output(JsonNode response) {
        for (String key : List.of("result", "output")) {
            JsonNode v = response.get(key);
            if (v != null && response.size() == 1) {
                return v.isTextual() ? v.asText() : Json.write(v);
            }
        }
        return response.isMissingNode() ? "" : Json.write(response);
    }

    /** The text parts joined, thoughts left out. */
    private static String text(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : parts) {
            if (part.has("text") && !part.path("thought").asBoolean(false)) {
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }

    private static RecordedRequest.Message plain(String role, String content) {
        return new RecordedRequest.Message(role, content, Optional.empty(), List.of());
    }
}
