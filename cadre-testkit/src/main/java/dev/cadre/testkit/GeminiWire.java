package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.GenerateContentWire;
import dev.cadre.testkit.internal.Step;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Gemini API's {@code generateContent} and {@code streamGenerateContent?alt=sse}, for {@link FakeGeminiServer}.
 * Its scripts hold {@link GeminiReply}s, whose turns carry what only Gemini has (thoughts, thought signatures,
 * finish reasons) and whose errors are Google's.
 */
final class GeminiWire implements Wire<GeminiReply, GeminiReply.Turn> {

    static final GeminiWire INSTANCE = new GeminiWire();

    private GeminiWire() {
    }

    @Override
    public boolean serves(RecordedRequest request) {
        return request.method().equals("POST") && request.api() == Api.GEMINI_GENERATE_CONTENT;
    }

    /** Gemini takes the key as {@code x-goog-api-key} or as the {@code key} query parameter. */
    @Override
    public boolean authorized(RecordedRequest request, String apiKey) {
        return key(request).equals(Optional.of(apiKey));
    }

    /** As the real API: no key at all is 403 {@code PERMISSION_DENIED}, a wrong one 400 {@code API_KEY_INVALID}. */
    @Override
    public HttpError unauthorized(RecordedRequest request) {
        if (key(request).isEmpty()) {
            return error(GeminiReply.error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers "
                    + "(callers without established identity). Please use API Key or other form of API consumer "
                    + "identity to call this API."));
        }
        return error(GeminiReply.apiKeyInvalid());
    }

    @Override
    public HttpError notFound(RecordedRequest request) {
        return error(GeminiReply.error(404, "NOT_FOUND", "Unknown request URL: " + request.method() + " "
                + request.path() + "."));
    }

    @Override
    public HttpError unparsable(RecordedRequest request) {
        return error(GeminiReply.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));
    }

    /** The SDK streams with {@code ?alt=sse}; without it the real API sends a JSON array, which this fake does not. */
    @Override
    public Optional<HttpError> refusal(RecordedRequest request) {
        if (request.isStream() && !List.of("sse").equals(request.queryParameter("alt"))) {
            return Optional.of(error(GeminiReply.error(400, "INVALID_ARGUMENT",
                    "FakeGeminiServer streams Server-Sent Events only: add ?alt=sse.")));
        }
        return Optional.empty();
    }

    @Override
    public HttpError scriptFailed(RuntimeException failure, RecordedRequest request) {
        return error(GeminiReply.error(500, "INTERNAL", "FakeGeminiServer: the script threw " + failure + " for "
                + request));
    }

    @Override
    public HttpError noReply(RecordedRequest request) {
        return error(GeminiReply.error(500, "INTERNAL", "FakeGeminiServer: no scripted reply for " + request));
    }

    @Override
    public HttpError unstreamedStreamError(RecordedRequest request) {
        return error(GeminiReply.error(500, "INTERNAL", "An internal error has occurred."));
    }

    @Override
    public Scripted<GeminiReply.Turn> unwrap(GeminiReply reply, RecordedRequest request) {
        return switch (reply) {
            case GeminiReply.Error e -> new Scripted.Failure<>(error(e));
            case GeminiReply.Other(Reply.Stall s) -> new Scripted.Stall<>();
            case GeminiReply.Other(Reply.RawSse raw) -> new Scripted.RawStream<>(raw.body());
            case GeminiReply.Other other -> throw new IllegalStateException("unexpected " + other);
            case GeminiReply.Turn t -> new Scripted.Answer<>(t, t.completion());
        };
    }

    @Override
    public List<Step> stream(GeminiReply.Turn answer, RecordedRequest request) {
        return GenerateContentWire.stream(answer, request.body(), model(request));
    }

    @Override
    public JsonNode body(GeminiReply.Turn answer, RecordedRequest request) {
        return GenerateContentWire.body(answer, request.body(), model(request));
    }

    @Override
    public Duration delay(GeminiReply.Turn answer, RecordedRequest request) {
        return GenerateContentWire.delay(answer);
    }

    /** Gemini sends no request ids or version headers the SDK reads. */
    @Override
    public void commonHeaders(HttpHeaders headers, RecordedRequest request) {
    }

    @Override
    public String jsonContentType() {
        return "application/json; charset=UTF-8";
    }

    @Override
    public void streamHeaders(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        headers.set("x-content-type-options", "nosniff");
    }

    private static Optional<String> key(RecordedRequest request) {
        return request.header("x-goog-api-key").or(() -> request.queryParameter("key").stream().findFirst());
    }

    private static String model(RecordedRequest request) {
        return request.model().orElse("gemini");
    }

    private static HttpError error(GeminiReply.Error e) {
        return new HttpError(e.code(), GenerateContentWire.error(e), e.headers());
    }
}
