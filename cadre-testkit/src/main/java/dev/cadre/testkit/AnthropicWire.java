package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.AnthropicMessagesWire;
import dev.cadre.testkit.internal.Step;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Anthropic's Messages API ({@code POST /v1/messages}), for {@link FakeAnthropicServer}. */
final class AnthropicWire implements Wire {

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

    /** Scripts written for OpenAI keep working: an error type that is not Anthropic's is derived from the status. */
    @Override
    public JsonNode errorBody(Reply.Error e, RecordedRequest request) {
        return AnthropicMessagesWire.errorBody(AnthropicMessagesWire.errorType(e.status(), e.type()), e.message(),
                requestId(request));
    }

    @Override
    public void commonHeaders(HttpHeaders headers, RecordedRequest request) {
        headers.set("request-id", requestId(request));
        headers.set("anthropic-organization-id", "00000000-0000-4000-8000-000000000000");
    }

    @Override
    public Reply.Error unauthorized() {
        return Reply.error(401, "authentication_error", null, "invalid x-api-key");
    }

    @Override
    public Reply.Error notFound(RecordedRequest request) {
        return Reply.error(404, "not_found_error", null, "Not Found: " + request.method() + " " + request.path());
    }

    @Override
    public Reply.Error unparsable() {
        return Reply.error(400, "invalid_request_error", null, "The request body is not valid JSON.");
    }

    @Override
    public Reply.Error serverError(String code, String message) {
        return Reply.error(500, "api_error", null, message == null ? "Internal server error" : message);
    }

    private static String requestId(RecordedRequest request) {
        return "req_fake_" + request.sequence();
    }
}
