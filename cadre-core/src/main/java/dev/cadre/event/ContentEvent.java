package dev.cadre.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A piece of streamed answer text, from an agent ({@link RunContent}) or a team leader ({@link TeamRunContent}). */
public sealed interface ContentEvent extends RunEvent permits RunContent, TeamRunContent {
    String content();

    /** The piece of the model's reasoning that came with it; empty when the model gives none. */
    String reasoningContent();

    /** The type of {@link #content()}: always {@code str}, Cadre's answers are text. */
    @JsonProperty("content_type")
    default String contentType() {
        return "str";
    }
}
