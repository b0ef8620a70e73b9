package dev.cadre.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link FakeGeminiServer} answers to one request: any {@link Reply} (the vocabulary all fake servers
 * share) plus what only Gemini has — thought parts, thought signatures, Google's error bodies with
 * {@code RetryInfo}. Immutable; one value can be enqueued many times.
 *
 * <pre>{@code
 * GeminiReply.of(Reply.text("Paris."));
 * GeminiReply.thinking("The user wants the capital.", Reply.text("Paris."));
 * GeminiReply.of(Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}")).withThoughtSignature("c2lnLTE=");
 * GeminiReply.quotaExceeded(Duration.ofMillis(20));
 * }</pre>
 */
public sealed interface GeminiReply permits GeminiReply.Turn, GeminiReply.Error, GeminiReply.Other {

    /** A shared {@link Reply} as Gemini renders it; an OpenAI error body becomes Google's, same status. */
    static GeminiReply of(Reply reply) {
        Objects.requireNonNull(reply, "reply");
        return switch (reply) {
            case Reply.Completion c -> of(c);
            case Reply.Error e -> new Error(e.status(), statusName(e.status()), e.message(), Optional.empty(),
                    Optional.empty(), e.headers());
            case Reply.Stall s -> new Other(s);
            case Reply.RawSse r -> new Other(r);
        };
    }

    /** A model turn: the completion's text and function calls, no thoughts. */
    static Turn of(Reply.Completion completion) {
        return new Turn(completion, List.of(), Optional.empty(), Optional.empty());
    }

    /** A text answer, one word per chunk. */
    static Turn text(String text) {
        return of(Reply.text(text));
    }

    /** A turn whose thought summary ({@code "thought": true} parts, one word per chunk) comes before the answer. */
    static Turn thinking(String thoughts, Reply.Completion answer) {
        return of(answer).withThoughts(Reply.text(thoughts).textChunks().toArray(String[]::new));
    }

    /** Any error in Google's body {@code {"error":{"code","message","status"}}}. */
    static Error error(int code, String status, String message) {
        return new Error(code, status, message, Optional.empty(), Optional.empty(), Map.of());
    }

    /** What the real API answers to a wrong key: 400 {@code INVALID_ARGUMENT}, reason {@code API_KEY_INVALID}. */
    static Error apiKeyInvalid() {
        return new Error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                Optional.of("API_KEY_INVALID"), Optional.empty(), Map.of());
    }

    /** 404 {@code NOT_FOUND} for an unknown model, as the real API words it. */
    static Error modelNotFound(String model) {
        return error(404, "NOT_FOUND", "models/" + model + " is not found for API version v1beta, or is not "
                + "supported for generateContent. Call ListModels to see the list of available models and their "
                + "supported methods.");
    }

    /** 429 {@code RESOURCE_EXHAUSTED} with a {@code RetryInfo} detail asking to retry after {@code retryDelay}. */
    static Error quotaExceeded(Duration retryDelay) {
        return new Error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and "
                + "billing details.", Optional.empty(), Optional.of(retryDelay), Map.of());
    }

    /** 503 {@code UNAVAILABLE}: the model is overloaded. */
    static Error unavailable() {
        return error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
    }

    /**
     * A model turn in Gemini's terms.
     *
     * @param completion text chunks, function calls, usage, timing and ending, as for every fake server
     * @param thoughtChunks the thought summary, one {@code "thought": true} part per chunk, before the answer
     * @param thoughtSignature sent on the first function-call part (or, without calls, the first text part),
     *     as Gemini 3 does; base64 on the wire
     * @param finishReason the {@code finishReason} of the last chunk; empty for {@code STOP}
     */
    record Turn(Reply.Completion completion, List<String> thoughtChunks, Optional<String> thoughtSignature,
            Optional<String> finishReason) implements GeminiReply {
        public Turn {
            Objects.requireNonNull(completion, "completion");
            thoughtChunks = List.copyOf(thoughtChunks);
            Objects.requireNonNull(thoughtSignature, "thoughtSignature");
            Objects.requireNonNull(finishReason, "finishReason");
        }

        /** The same turn with this thought summary, streamed in exactly these chunks. */
        public Turn withThoughts(String... chunks) {
            return new Turn(completion, Arrays.asList(chunks), thoughtSignature, finishReason);
        }

        /** The same turn with a thought signature (base64) that the client must send back. */
        public Turn withThoughtSignature(String base64) {
            return new Turn(completion, thoughtChunks, Optional.of(base64), finishReason);
        }

        /** The same turn ending with this {@code finishReason}, for example {@code MAX_TOKENS} or {@code SAFETY}. */
        public Turn finishReason(String reason) {
            return new Turn(completion, thoughtChunks, thoughtSignature, Optional.of(reason));
        }

        /** The whole thought summary. */
        public String thoughts() {
            return String.join("", thoughtChunks);
        }
    }

    /**
     * An HTTP error in Google's body, answered before any stream starts.
     *
     * @param code the HTTP status, also {@code error.code}
     * @param status {@code error.status}, for example {@code RESOURCE_EXHAUSTED}
     * @param message {@code error.message}
     * @param reason the {@code ErrorInfo} detail's reason, for example {@code API_KEY_INVALID}
     * @param retryDelay the {@code RetryInfo} detail's {@code retryDelay}
     * @param headers extra response headers, for example {@code retry-after}
     */
    record Error(int code, String status, String message, Optional<String> reason, Optional<Duration> retryDelay,
            Map<String, String> headers) implements GeminiReply {
        public Error {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("code must be 4xx or 5xx: " + code);
            }
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryDelay, "retryDelay");
            headers = Map.copyOf(headers);
        }

        /** Adds a {@code Retry-After} header (whole seconds, rounded up). */
        public Error retryAfter(Duration delay) {
            return header("retry-after", Long.toString((delay.toMillis() + 999) / 1000));
        }

        /** Adds a response header. */
        public Error header(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Error(code, status, message, reason, retryDelay, all);
        }
    }

    /** A {@link Reply#stall()} or {@link Reply#rawSse(String)}, which mean the same for every API. */
    record Other(Reply reply) implements GeminiReply {
        public Other {
            if (!(reply instanceof Reply.Stall) && !(reply instanceof Reply.RawSse)) {
                throw new IllegalArgumentException("only a stall or a raw stream: " + reply);
            }
        }
    }

    /** The {@code google.rpc.Code} name Google's APIs pair with an HTTP status. */
    private static String statusName(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> httpStatus >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }
}
