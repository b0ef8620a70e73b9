package dev.cadre.testkit;

/** Which OpenAI API a {@link RecordedRequest} called. */
public enum Api {
    /** {@code POST /v1/chat/completions}. */
    CHAT_COMPLETIONS,
    /** {@code POST /v1/responses}. */
    RESPONSES,
    /** Any other path; the server answers 404. */
    OTHER
}
