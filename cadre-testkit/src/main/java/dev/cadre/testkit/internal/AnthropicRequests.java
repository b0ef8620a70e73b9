package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the conversation of an Anthropic Messages API request the way {@link RecordedRequest} reads the
 * OpenAI ones, so that one script can answer every API. Not public API.
 */
public final class AnthropicRequests {

    private AnthropicRequests() {
    }

    /**
     * {@code system} first, as a system message; each user turn's {@code tool_result} blocks as tool messages
     * and its text as a user message, in block order; each assistant turn as one message naming its
     * {@code tool_use} blocks.
     */
    public static List<RecordedRequest.Message> messages(JsonNode body) {
        List<RecordedRequest.Message> out = new ArrayList<>();
        String system = text(body.path("system"));
        if (!system.isEmpty()) {
            out.add(plain("system", system));
        }
        for (JsonNode m : body.path("messages")) {
            String role = m.path("role").asText("user");
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                out.add(plain(role, content.asText()));
                continue;
            }
            if (role.equals("assistant")) {
                List<String> calls = new ArrayList<>();
                StringBuilder text = new StringBuilder();
                for (JsonNode block : content) {
                    switch (block.path("type").asText()) {
                        case "text" -> text.append(block.path("text").asText());
                        case "tool_use" -> calls.add(block.path("name").asText());
                        default -> {
                            // thinking blocks carry no conversation text
                        }
                    }
                }
                out.add(new RecordedRequest.Message("assistant", text.toString(), Optional.empty(), calls));
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> text.append(block.path("text").asText());
                    case "tool_result" -> out.add(new RecordedRequest.Message("tool", text(block.path("content")),
                            Optional.of(block.path("tool_use_id").asText()), List.of()));
                    default -> {
                        // images, documents: no text to match on
                    }
                }
            }
            if (!text.isEmpty()) {
                out.add(plain(role, text.toString()));
            }
        }
        return List.copyOf(out);
    }

    private static RecordedRequest.Message plain(String role, String content) {
        return new RecordedRequest.Message(role, content, Optional.empty(), List.of());
    }

    /** A string, or the text of an array of text blocks joined. */
    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : node) {
            sb.append(part.path("text").asText());
        }
        return sb.toString();
    }
}
