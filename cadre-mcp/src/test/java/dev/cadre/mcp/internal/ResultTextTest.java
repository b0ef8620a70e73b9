package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tool result as the model reads it. */
class ResultTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String text(McpSchema.Content... content) {
        return ResultText.of(McpSchema.CallToolResult.builder().content(List.of(content)).build(), JSON);
    }

    @Test
    void textContentIsJoinedWithNewLines() {
        assertThat(text(new McpSchema.TextContent("one"), new McpSchema.TextContent("two"))).isEqualTo("one\ntwo");
    }

    @Test
    void imagesAndAudioAreDescribedWithTheirTypeAndSize() {
        assertThat(text(new McpSchema.ImageContent(null, "AAAA", "image/png"),
                new McpSchema.AudioContent(null, "AAAAAA==", "audio/wav")))
                .isEqualTo("[image: image/png, 3 bytes]\n[audio: audio/wav, 4 bytes]");
    }

    @Test
    void anEmbeddedTextResourceIsItsTextAndABlobIsDescribed() {
        assertThat(text(new McpSchema.EmbeddedResource(null,
                        new McpSchema.TextResourceContents("file:///notes.txt", "text/plain", "the notes")),
                new McpSchema.EmbeddedResource(null,
                        new McpSchema.BlobResourceContents("file:///a.bin", "application/octet-stream", "AAAA"))))
                .isEqualTo("the notes\n[resource file:///a.bin: application/octet-stream, 3 bytes]");
    }

    @Test
    void aResourceLinkNamesItsUri() {
        assertThat(text(new McpSchema.ResourceLink("notes", null, "file:///notes.txt", "My notes", "text/plain", null,
                null, null))).isEqualTo("[resource link file:///notes.txt: notes (My notes)]");
    }

    @Test
    void aResultWithOnlyStructuredContentIsItsJson() {
        var result = McpSchema.CallToolResult.builder().structuredContent(Map.of("temp_c", 3)).build();
        assertThat(ResultText.of(result, JSON)).isEqualTo("{\"temp_c\":3}");
    }
}
