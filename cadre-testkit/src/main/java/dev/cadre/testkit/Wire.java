package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.Step;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What differs between the APIs the fake servers speak: paths, authentication, the replies a script for it holds,
 * and how an answer and an error look on the wire. The scripting, the Netty plumbing and disconnect detection
 * ({@link ScriptedServer}, {@link ServerHandler}) are the same for all.
 *
 * @param <R> the replies a script holds: {@link Reply}, or an API's own kind such as {@link GeminiReply}
 * @param <C> the part of a reply that is a model's answer, which only this wire knows how to render
 */
interface Wire<R, C> {

    /** Whether the request's method and path are one this API answers (others get {@link #notFound}). */
    boolean serves(RecordedRequest request);

    /** Whether the request carries {@code apiKey} the way this API sends keys. */
    boolean authorized(RecordedRequest request, String apiKey);

    /** The answer to a request that lacks {@code apiKey}; it may depend on what the request sent instead. */
    HttpError unauthorized(RecordedRequest request);

    /** The answer to an unknown path. */
    HttpError notFound(RecordedRequest request);

    /** The answer to a body that is not JSON. */
    HttpError unparsable(RecordedRequest request);

    /**
     * An error for a well-formed, authorised request this API still refuses before any script sees it; empty for
     * most APIs.
     */
    default Optional<HttpError> refusal(RecordedRequest request) {
        return Optional.empty();
    }

    /** The answer when the script itself threw {@code failure}. */
    HttpError scriptFailed(RuntimeException failure, RecordedRequest request);

    /** The answer when no script answers the request. */
    HttpError noReply(RecordedRequest request);

    /** The answer to a scripted in-stream error when the client did not ask for a stream. */
    HttpError unstreamedStreamError(RecordedRequest request);

    /** What {@code reply} asks the plumbing to do. */
    Scripted<C> unwrap(R reply, RecordedRequest request);

    /** The SSE steps of a streamed answer, its terminator and error event included. */
    List<Step> stream(C answer, RecordedRequest request);

    /** The body of a non-streamed answer. */
    JsonNode body(C answer, RecordedRequest request);

    /** How long a non-streamed answer takes before its body is sent: as long as streaming it would. */
    Duration delay(C answer, RecordedRequest request);

    /** Headers every answer carries (request ids and the like). */
    void commonHeaders(HttpHeaders headers, RecordedRequest request);

    /** The {@code content-type} of JSON bodies; OpenAI and Anthropic send no charset. */
    default String jsonContentType() {
        return HttpHeaderValues.APPLICATION_JSON.toString();
    }

    /** The headers that mark an event stream, as OpenAI and Anthropic send them. */
    default void streamHeaders(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    }

    /**
     * An HTTP error as this API writes it, answered before any stream starts.
     *
     * @param status the HTTP status
     * @param body the API's error body
     * @param headers extra response headers, such as {@code retry-after}
     */
    record HttpError(int status, JsonNode body, Map<String, String> headers) {
        public HttpError {
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }
    }

    /**
     * A scripted reply as the plumbing runs it, whatever API it is for.
     *
     * @param <C> the wire's answer type
     */
    sealed interface Scripted<C> {

        /** An HTTP error instead of an answer. */
        record Failure<C>(HttpError error) implements Scripted<C> {
        }

        /** Streamed: the headers, then silence; unstreamed: nothing. Until the client gives up. */
        record Stall<C>() implements Scripted<C> {
        }

        /** These bytes as the event stream. */
        record RawStream<C>(String body) implements Scripted<C> {
        }

        /**
         * A model's answer.
         *
         * @param answer what the wire renders
         * @param script its timing and how it ends
         */
        record Answer<C>(C answer, Reply.Completion script) implements Scripted<C> {
        }

        /** A shared {@link Reply} for a wire whose answers are plain {@link Reply.Completion}s. */
        static Scripted<Reply.Completion> of(Reply reply, Function<Reply.Error, HttpError> errors) {
            return switch (reply) {
                case Reply.Error e -> new Failure<>(errors.apply(e));
                case Reply.Stall s -> new Stall<>();
                case Reply.RawSse raw -> new RawStream<>(raw.body());
                case Reply.Completion c -> new Answer<>(c, c);
            };
        }
    }
}
