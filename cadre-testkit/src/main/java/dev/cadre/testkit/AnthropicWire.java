package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.AnthropicMessagesWire;
import dev.cadre.testkit.internal.Step;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Anthropic's Messages API ({@code POST /v1/messages}), for {@link FakeAnthropicServer}. */
final class AnthropicWire implements Wire<Reply, Reply.Completion> {

    static final AnthropicWire INSTANCE = new AnthropicWire();

    private AnthropicWire() {
    }

    @Override
    public boolean serves(RecordedRequest request) {
        return request.method().equals("POST") && request.api() == Api.ANTHROPIC_MESSAGES;
    }

    /** Anthropic takes the key as {@code x-api-key} or, as its newer SDKs send it, as a bearer token. */
    @Override
    public boolean authorized(RecordedRequest request, String apiKey) {
        return request.header("x-api-key").equals(Optional.of(apiKey))
                || request.header("authorization").equals(Optional.of("Bearer " + apiKey));
    }

    @Override
    public Scripted<Reply.Completion> unwrap(Reply reply, RecordedRequest request) {
        return Scripted.of(reply, e -> error(e, request));
    }

    @Override
    public List<Step> stream(Reply.Completion reply, RecordedRequest request) {
        return AnthropicMessagesWire.stream(reply, request.body());
    }

    @Override
    public JsonNode body(Reply.Completion reply, RecordedRequest request) {
        return AnthropicMessagesWire.body(reply, request.body());
    }

    @Override
    public Duration delay(Reply.Completion reply, RecordedRequest request) {
        return AnthropicMessagesWire.delay(reply);
    }

    @Override
    public void commonHeaders(HttpHeaders headers, RecordedRequest request) {
        headers.set("request-id", requestId(request));
        headers.set("anthropic-organization-id", "00000000-0000-4000-8000-000000000000");
    }

    @Override
    public HttpError unauthorized(RecordedRequest request) {
        return error(Reply.error(401, "authentication_error", null, "invalid x-api-key"), request);
    }

    @Override
    public HttpError notFound(RecordedRequest request) {
        return error(Reply.error(404, "not_found_error", null,
                "Not Found: " + request.method() + " " + request.path()), request);
    }

    @Override
    public HttpError unparsable(RecordedRequest request) {
        return error(Reply.error(400, "invalid_request_error", null, "The request body is not valid JSON."),
                request);
    }

    @Override
    public HttpError scriptFailed(RuntimeException failure, RecordedRequest request) {
        return serverError("The fake server's script threw " + failure + " for " + request, request);
    }

    @Override
    public HttpError noReply(RecordedRequest request) {
        return serverError("The fake server has no scripted reply for " + request, request);
    }

    @Override
    public HttpError unstreamedStreamError(RecordedRequest request) {
        return serverError("Internal server error", request);
    }

    private static HttpError serverError(String message, RecordedRequest request) {
        return error(Reply.error(500, "api_error", null, message), request);
    }

    /** Scripts written for OpenAI keep working: an error type that is not Anthropic's is derived from the status. */
    private static HttpError error(Reply.Error e, RecordedRequest request) {
        return new HttpError(e.status(), AnthropicMessagesWire.errorBody(
                AnthropicMessagesWire.errorType(e.status(), e.type()), e.message(), requestId(request)), e.headers());
    }

    private static String requestId(RecordedRequest request) {
        return "req_fake_" + request.sequence();
    }
}
