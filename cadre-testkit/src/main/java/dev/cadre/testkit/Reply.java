package dev.cadre.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link FakeOpenAIServer} answers to one request. Immutable; every {@code with…}-style method
 * returns a new reply, so one value can be enqueued many times.
 *
 * <p>The same reply serves both APIs and both modes: the server renders it as Chat Completions or
 * Responses, streamed or not, depending on the request it answers.
 *
 * <pre>{@code
 * Reply.text("Paris is the capital of France.").chunkDelay(Duration.ofMillis(20));
 * Reply.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Paris\"}"));
 * Reply.rateLimited(Duration.ofMillis(50));
 * Reply.stall();
 * }</pre>
 */
public sealed interface Reply permits Reply.Completion, Reply.Error, Reply.Stall, Reply.RawSse {

    /** A text answer, streamed one word (with its leading space) per chunk. */
    static Completion text(String text) {
        Objects.requireNonNull(text, "text");
        return Completion.EMPTY.withText(splitWords(text));
    }

    /** The model declines: the text comes as a refusal, one word per chunk. */
    static Completion refusal(String text) {
        Completion c = text(text);
        return new Completion(c.textChunks(), List.of(), Optional.empty(), Duration.ZERO, Duration.ZERO,
                Ending.COMPLETE, 0, false, Duration.ZERO, true, List.of());
    }

    /** A text answer streamed in exactly these chunks. */
    static Completion textChunks(String... chunks) {
        return Completion.EMPTY.withText(List.of(chunks));
    }

    /** A turn that calls one tool. */
    static Completion toolCall(String name, String argumentsJson) {
        return toolCalls(FakeToolCall.of(name, argumentsJson));
    }

    /** A turn that calls several tools at once (parallel tool calls). */
    static Completion toolCalls(FakeToolCall... calls) {
        return Completion.EMPTY.withToolCalls(calls);
    }

    /** An HTTP error with OpenAI's error body {@code {"error":{"message","type","param","code"}}}. */
    static Error error(int status, String type, String code, String message) {
        return new Error(status, message, type, Optional.ofNullable(code), Map.of());
    }

    /** 401 with the body the real API sends for a bad key. */
    static Error unauthorized() {
        return error(401, "invalid_request_error", "invalid_api_key",
                "Incorrect API key provided: sk-fake***. You can find your API key at "
                        + "https://platform.openai.com/account/api-keys.");
    }

    /** 404 with the body the real API sends for an unknown model. */
    static Error modelNotFound(String model) {
        return error(404, "invalid_request_error", "model_not_found",
                "The model `" + model + "` does not exist or you do not have access to it.");
    }

    /**
     * 429 (rate limit) asking the client to retry after {@code retryAfter}, with the
     * {@code retry-after}, {@code retry-after-ms} and {@code x-ratelimit-*} headers the real API sends.
     */
    static Error rateLimited(Duration retryAfter) {
        return error(429, "tokens", "rate_limit_exceeded",
                "Rate limit reached for requests. Please try again in " + retryAfter.toMillis() + "ms.")
                .retryAfter(retryAfter)
                .header("x-ratelimit-limit-requests", "500")
                .header("x-ratelimit-remaining-requests", "0")
                .header("x-ratelimit-reset-requests", retryAfter.toMillis() + "ms");
    }

    /** 500 with the body the real API sends for an internal error. */
    static Error serverError() {
        return error(500, "server_error", null,
                "The server had an error while processing your request. Sorry about that!");
    }

    /**
     * Never answers: a streamed request gets its {@code 200} headers and then silence, a
     * non-streamed one gets nothing at all. The connection stays open until the client closes it.
     */
    static Stall stall() {
        return Stall.INSTANCE;
    }

    /** Sends {@code body} verbatim as a {@code text/event-stream} body, then ends the response. */
    static RawSse rawSse(String body) {
        return new RawSse(body);
    }

    /** A stream whose first event is not valid JSON. */
    static RawSse malformedSse() {
        return new RawSse("data: {\"id\":\"chatcmpl-broken\",\"object\":\"chat.completion.chunk\",\"choi\n\n"
                + "data: {this is not json}\n\n");
    }

    /** How a {@link Completion} ends. */
    enum Ending {
        /** Normally: Chat sends {@code [DONE]}, Responses sends {@code response.completed}. */
        COMPLETE,
        /** The terminator is left out ({@code [DONE]} or {@code response.completed}); the body still ends. */
        NO_TERMINATOR,
        /** The server resets the TCP connection after {@code endAfterChunks} chunks. */
        ABRUPT_CLOSE,
        /** After {@code endAfterChunks} chunks the server sends an error event and ends the stream. */
        STREAM_ERROR,
        /**
         * After {@code endAfterChunks} chunks the server sends nothing more and keeps the connection open until the
         * client goes away: a model that hangs half-way through its answer. Unstreamed, it never answers.
         */
        STALL
    }

    /**
     * A model turn: text chunks and/or tool calls, with timing and usage.
     *
     * @param textChunks the text, one element per streamed chunk
     * @param toolCalls the tool calls, after the text
     * @param usage token counts to report; empty to derive them from the request and reply
     * @param firstTokenDelay wait before the first chunk (and, unstreamed, before the body)
     * @param chunkDelay wait between two chunks
     * @param ending how the stream ends
     * @param endAfterChunks for {@link Ending#ABRUPT_CLOSE} and {@link Ending#STREAM_ERROR}: how many
     *     chunks are sent first
     * @param keepAliveComments whether a {@code : keep-alive} comment line precedes every chunk
     * @param headersDelay wait before the response headers (the server "thinking" before it
     *     answers at all)
     * @param refusal whether the text is a refusal ({@code refusal} fields and events instead of
     *     content)
     * @param thinking the model's visible reasoning before its answer, one element per streamed chunk:
     *     {@code FakeAnthropicServer} sends it as a thinking block (with a signature); the OpenAI wire
     *     formats have no place for it and leave it out
     */
    record Completion(
            List<String> textChunks,
            List<FakeToolCall> toolCalls,
            Optional<FakeUsage> usage,
            Duration firstTokenDelay,
            Duration chunkDelay,
            Ending ending,
            int endAfterChunks,
            boolean keepAliveComments,
            Duration headersDelay,
            boolean refusal,
            List<String> thinking) implements Reply {

        static final Completion EMPTY = new Completion(List.of(), List.of(), Optional.empty(), Duration.ZERO,
                Duration.ZERO, Ending.COMPLETE, 0, false, Duration.ZERO, false, List.of());

        public Completion {
            textChunks = List.copyOf(textChunks);
            thinking = List.copyOf(thinking);
            toolCalls = List.copyOf(toolCalls);
            Objects.requireNonNull(usage, "usage");
            requireNonNegative(firstTokenDelay, "firstTokenDelay");
            requireNonNegative(chunkDelay, "chunkDelay");
            requireNonNegative(headersDelay, "headersDelay");
            Objects.requireNonNull(ending, "ending");
            if (endAfterChunks < 0) {
                throw new IllegalArgumentException("endAfterChunks must be >= 0");
            }
        }

        /** The whole text. */
        public String text() {
            return String.join("", textChunks);
        }

        /** The same text, re-cut into {@code n} chunks of about equal length. */
        public Completion chunks(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1");
            }
            String all = text();
            List<String> out = new ArrayList<>();
            int len = all.length();
            for (int i = 0; i < n; i++) {
                int from = (int) ((long) len * i / n);
                int to = (int) ((long) len * (i + 1) / n);
                if (to > from) {
                    out.add(all.substring(from, to));
                }
            }
            return withText(out);
        }

        /** Waits {@code delay} between two chunks. */
        public Completion chunkDelay(Duration delay) {
            return new Completion(textChunks, toolCalls, usage, firstTokenDelay, delay, ending, endAfterChunks,
                    keepAliveComments, headersDelay, refusal, thinking);
        }

        /** Waits {@code delay} before the first chunk. */
        public Completion firstTokenDelay(Duration delay) {
            return new Completion(textChunks, toolCalls, usage, delay, chunkDelay, ending, endAfterChunks,
                    keepAliveComments, headersDelay, refusal, thinking);
        }

        /** Waits {@code delay} before sending the response headers. */
        public Completion headersDelay(Duration delay) {
            return new Completion(textChunks, toolCalls, usage, firstTokenDelay, chunkDelay, ending, endAfterChunks,
                    keepAliveComments, delay, refusal, thinking);
        }

        /** Reports these token counts. */
        public Completion usage(FakeUsage usage) {
            return new Completion(textChunks, toolCalls, Optional.of(usage), firstTokenDelay, chunkDelay, ending,
                    endAfterChunks, keepAliveComments, headersDelay, refusal, thinking);
        }

        /** Reports these input and output token counts. */
        public Completion usage(long inputTokens, long outputTokens) {
            return usage(FakeUsage.of(inputTokens, outputTokens));
        }

        /** Thinks {@code text} (streamed one word per chunk) before answering; see {@link #thinking()}. */
        public Completion thinking(String text) {
            return new Completion(textChunks, toolCalls, usage, firstTokenDelay, chunkDelay, ending, endAfterChunks,
                    keepAliveComments, headersDelay, refusal, splitWords(text));
        }

        /** Adds tool calls after the text. */
        public Completion withToolCalls(FakeToolCall... calls) {
            List<FakeToolCall> all = new ArrayList<>(toolCalls);
            all.addAll(Arrays.asList(calls));
            return new Completion(textChunks, all, usage, firstTokenDelay, chunkDelay, ending, endAfterChunks,
                    keepAliveComments, headersDelay, refusal, thinking);
        }

        /** Resets the connection (TCP RST) after {@code chunks} chunks. */
        public Completion closeAbruptlyAfter(int chunks) {
            return ending(Ending.ABRUPT_CLOSE, chunks);
        }

        /** Sends an in-stream error event after {@code chunks} chunks. */
        public Completion streamErrorAfter(int chunks) {
            return ending(Ending.STREAM_ERROR, chunks);
        }

        /**
         * Streams {@code chunks} chunks, then sends nothing more and holds the connection open until the client
         * leaves (a cancel, a timeout): the run is caught in the middle of its answer for as long as a test needs,
         * without a timer. Unstreamed, the request is never answered, as with {@link Reply#stall()}.
         */
        public Completion stallAfter(int chunks) {
            return ending(Ending.STALL, chunks);
        }

        /** Leaves out {@code [DONE]} (Chat) or {@code response.completed} (Responses). */
        public Completion withoutTerminator() {
            return ending(Ending.NO_TERMINATOR, 0);
        }

        /** Sends a {@code : keep-alive} SSE comment before every chunk, as some compatible servers do. */
        public Completion withKeepAliveComments() {
            return new Completion(textChunks, toolCalls, usage, firstTokenDelay, chunkDelay, ending, endAfterChunks,
                    true, headersDelay, refusal, thinking);
        }

        private Completion ending(Ending newEnding, int afterChunks) {
            return new Completion(textChunks, toolCalls, usage, firstTokenDelay, chunkDelay, newEnding, afterChunks,
                    keepAliveComments, headersDelay, refusal, thinking);
        }

        Completion withText(List<String> chunks) {
            return new Completion(chunks, toolCalls, usage, firstTokenDelay, chunkDelay, ending, endAfterChunks,
                    keepAliveComments, headersDelay, refusal, thinking);
        }
    }

    /**
     * An HTTP error answered before any stream starts.
     *
     * @param status the HTTP status
     * @param message {@code error.message}
     * @param type {@code error.type}
     * @param code {@code error.code}; empty for {@code null}
     * @param headers extra response headers, for example {@code retry-after}
     */
    record Error(int status, String message, String type, Optional<String> code, Map<String, String> headers)
            implements Reply {

        public Error {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
            }
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(code, "code");
            headers = Map.copyOf(headers);
        }

        /**
         * Adds {@code retry-after} (whole seconds, rounded up) and {@code retry-after-ms}, as the real
         * API does on 429.
         */
        public Error retryAfter(Duration delay) {
            long ms = delay.toMillis();
            return header("retry-after", Long.toString((ms + 999) / 1000))
                    .header("retry-after-ms", Long.toString(ms));
        }

        /** Adds a response header. */
        public Error header(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Error(status, message, type, code, all);
        }
    }

    /** See {@link Reply#stall()}. */
    enum Stall implements Reply {
        INSTANCE
    }

    /**
     * A streamed body sent byte for byte, for malformed or unusual streams.
     *
     * @param body the SSE text, including its blank lines
     */
    record RawSse(String body) implements Reply {
        public RawSse {
            Objects.requireNonNull(body, "body");
        }
    }

    private static List<String> splitWords(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static void requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
