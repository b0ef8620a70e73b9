package dev.cadre.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A tool result as text for the model. Text content is joined with new lines; other content is described in
 * brackets (a model that reads text cannot use image or audio bytes); a result without content but with
 * structured content is that content as JSON.
 */
final class ResultText {

    private ResultText() {
    }

    static String of(McpSchema.CallToolResult result, ObjectMapper json) {
        List<String> parts = new ArrayList<>();
        for (McpSchema.Content c : result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
            parts.add(describe(c));
        }
        if (parts.isEmpty() && result.structuredContent() != null) {
            try {
                parts.add(json.writeValueAsString(result.structuredContent()));
            } catch (JsonProcessingException e) {
                parts.add(String.valueOf(result.structuredContent()));
            }
        }
        return String.join("\n", parts);
    }

    private static String describe(McpSchema.Content content) {
        return switch (content) {
            case McpSchema.TextContent t -> t.text();
            case McpSchema.ImageContent i -> "[image: " + i.mimeType() + ", " + bytes(i.data()) + " bytes]";
            case McpSchema.AudioContent a -> "[audio: " + a.mimeType() + ", " + bytes(a.data()) + " bytes]";
            case McpSchema.EmbeddedResource r -> switch (r.resource()) {
                case McpSchema.TextResourceContents text -> text.text();
                case McpSchema.BlobResourceContents blob -> "[resource " + blob.uri() + ": " + blob.mimeType() + ", "
                        + bytes(blob.blob()) + " bytes]";
                default -> "[resource " + r.resource().uri() + "]";
            };
            case McpSchema.ResourceLink l -> "[resource link " + l.uri() + (l.name() == null ? "" : ": " + l.name())
                    + (l.description() == null ? "" : " (" + l.description() + ")") + "]";
            default -> "[" + content.type() + " content]";
        };
    }

    /** The decoded size of base64 {@code data}, or its length in characters when it is not base64. */
    private static int bytes(String data) {
        if (data == null) {
            return 0;
        }
        try {
            return Base64.getDecoder().decode(data).length;
        } catch (IllegalArgumentException e) {
            return data.length();
        }
    }
}
