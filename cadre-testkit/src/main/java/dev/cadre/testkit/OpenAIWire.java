package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.testkit.internal.ChatWire;
import dev.cadre.testkit.internal.Json;
import dev.cadre.testkit.internal.ResponsesWire;
import dev.cadre.testkit.internal.Step;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The OpenAI wire formats: Chat Completions and Responses. */
final class OpenAIWire implements Wire<Reply, Reply.Completion> {

    static final OpenAIWire INSTANCE = new OpenAIWire();

    private OpenAIWire() {
    }

    @Override
    public boolean serves(RecordedRequest request) {
        return request.method().equals("POST")
                && (request.api() == Api.CHAT_COMPLETIONS || request.api() == Api.RESPONSES);
    }

    @Override
    public boolean authorized(RecordedRequest request, String apiKey) {
        return request.header("authorization").equals(Optional.of("Bearer " + apiKey));
    }

    @Override
    public Scripted<Reply.Completion> unwrap(Reply reply, RecordedRequest request) {
        return Scripted.of(reply, OpenAIWire::error);
    }

    @Override
    public List<Step> stream(Reply.Completion reply, RecordedRequest request) {
        return chat(request) ? ChatWire.stream(reply, request.body()) : ResponsesWire.stream(reply, request.body());
    }

    @Override
    public JsonNode body(Reply.Completion reply, RecordedRequest request) {
        return chat(request) ? ChatWire.body(reply, request.body()) : ResponsesWire.body(reply, request.body());
    }

    @Override
    public Duration delay(Reply.Completion reply, RecordedRequest request) {
        return chat(request) ? ChatWire.delay(reply) : ResponsesWire.delay(reply);
    }

    private static boolean chat(RecordedRequest request) {
        return request.api() == Api.CHAT_COMPLETIONS;
    }

    @Override
    public void commonHeaders(HttpHeaders headers, RecordedRequest request) {
        headers.set("x-request-id", "req_fake_" + request.sequence());
        headers.set("openai-version", "2020-10-01");
        headers.set("openai-processing-ms", "1");
    }

    @Override
    public HttpError unauthorized(RecordedRequest request) {
        return error(Reply.unauthorized());
    }

    @Override
    public HttpError notFound(RecordedRequest request) {
        return error(Reply.error(404, "invalid_request_error", "unknown_url",
                "Unknown request URL: " + request.method() + " " + request.path() + "."));
    }

    @Override
    public HttpError unparsable(RecordedRequest request) {
        return error(Reply.error(400, "invalid_request_error", null,
                "We could not parse the JSON body of your request."));
    }

    @Override
    public HttpError scriptFailed(RuntimeException failure, RecordedRequest request) {
        return error(Reply.error(500, "server_error", "fake_server_script_failed",
                "The fake server's script threw " + failure + " for " + request));
    }

    @Override
    public HttpError noReply(RecordedRequest request) {
        return error(Reply.error(500, "server_error", "fake_server_no_reply",
                "The fake server has no scripted reply for " + request));
    }

    @Override
    public HttpError unstreamedStreamError(RecordedRequest request) {
        return error(Reply.serverError());
    }

    /** OpenAI's error body {@code {"error":{"message","type","param","code"}}}. */
    private static HttpError error(Reply.Error e) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error").put("message", e.message()).put("type", e.type());
        error.putNull("param");
        e.code().ifPresentOrElse(code -> error.put("code", code), () -> error.putNull("code"));
        return new HttpError(e.status(), body, e.headers());
    }
}
