package dev.cadre.testkit;

/** Which API a {@link RecordedRequest} called. */
public enum Api {
    /** {@code POST /v1/chat/completions}. */
    CHAT_COMPLETIONS,
    /** {@code POST /v1/responses}. */
    RESPONSES,
    /** Gemini's {@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent}. */
    GEMINI_GENERATE_CONTENT,
    /** {@code POST /v1/messages}: Anthropic's Messages API ({@link FakeAnthropicServer}). */
    ANTHROPIC_MESSAGES,
    /** Any other path; the server answers 404. */
    OTHER
}
