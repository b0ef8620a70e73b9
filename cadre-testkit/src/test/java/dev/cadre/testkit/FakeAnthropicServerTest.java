package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake Anthropic server speaks the Messages API's bytes: bodies, the event stream, errors, disconnects. */
class FakeAnthropicServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String REQUEST = """
            {"model":"claude-sonnet-4-5","max_tokens":1024,"system":"Be brief.","stream":%s,
             "tools":[{"name":"get_weather","description":"d","input_schema":{"type":"object"}}],
             "messages":[{"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"3 degrees"}]}]}""";

    private final FakeAnthropicServer server = FakeAnthropicServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(boolean stream, String apiKey) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", apiKey)
                .header("anthropic-version", "2023-06-01").timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST.formatted(stream))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The (event, data) pairs of an SSE body. */
    private static List<String[]> events(String body) {
        List<String[]> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String[] lines = block.split("\n");
            if (lines.length == 2 && lines[0].startsWith("event: ") && lines[1].startsWith("data: ")) {
                out.add(new String[] {lines[0].substring(7), lines[1].substring(6)});
            }
        }
        return out;
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void streamsThinkingTextAndToolUseAsTheMessagesEventSequence() throws Exception {
        server.enqueue(Reply.text("Let me see.").thinking("Check the tool.")
                .withToolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("toolu_9").inFragments(2))
                .usage(new FakeUsage(20, 9, 100, 0).withCacheWriteTokens(7)));

        HttpResponse<String> response = post(true, "k");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        List<String[]> events = events(response.body());
        assertThat(events).extracting(e -> e[0]).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        for (String[] e : events) {
            assertThat(json(e[1]).path("type").asText()).as("data repeats the event type").isEqualTo(e[0]);
        }
        JsonNode start = json(events.get(0)[1]).path("message");
        assertThat(start.path("id").asText()).startsWith("msg_");
        assertThat(start.path("content")).isEmpty();
        assertThat(start.path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(100);
        assertThat(start.path("usage").path("cache_creation_input_tokens").asLong()).isEqualTo(7);
        assertThat(json(events.get(2)[1]).path("content_block").path("type").asText()).isEqualTo("thinking");
        assertThat(json(events.get(3)[1]).path("delta").path("type").asText()).isEqualTo("thinking_delta");
        assertThat(json(events.get(6)[1]).path("delta").path("signature").asText())
                .isEqualTo(FakeAnthropicServer.signatureOf("Check the tool."));
        assertThat(json(events.get(9)[1]).path("delta").path("text").asText()).isEqualTo("Let");
        JsonNode toolStart = json(events.get(13)[1]);
        assertThat(toolStart.path("index").asInt()).isEqualTo(2);
        assertThat(toolStart.path("content_block").path("id").asText()).isEqualTo("toolu_9");
        assertThat(json(events.get(14)[1]).path("delta").path("partial_json").asText()).isEmpty();
        assertThat(json(events.get(15)[1]).path("delta").path("partial_json").asText()
                + json(events.get(16)[1]).path("delta").path("partial_json").asText()).isEqualTo("{\"city\":\"Oslo\"}");
        JsonNode delta = json(events.get(18)[1]);
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.path("usage").path("output_tokens").asLong()).isEqualTo(9);
    }

    @Test
    void answersUnstreamedRequestsWithOneMessage() throws Exception {
        server.enqueue(Reply.text("3 degrees.").thinking("Easy.").usage(FakeUsage.of(12, 4)));

        JsonNode body = json(post(false, "k").body());

        assertThat(body.path("type").asText()).isEqualTo("message");
        assertThat(body.path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("content")).extracting(b -> b.path("type").asText()).containsExactly("thinking", "text");
        assertThat(body.path("content").get(1).path("text").asText()).isEqualTo("3 degrees.");
        assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.path("usage").path("input_tokens").asLong()).isEqualTo(12);
        assertThat(body.path("usage").path("output_tokens").asLong()).isEqualTo(4);
    }

    @Test
    void answersErrorsWithAnthropicsBodyTypeAndHeaders() throws Exception {
        server.enqueue(FakeAnthropicServer.rateLimited(Duration.ofSeconds(2)), Reply.rateLimited(Duration.ofSeconds(1)),
                FakeAnthropicServer.overloaded());

        HttpResponse<String> limited = post(true, "k");
        HttpResponse<String> openAiStyle = post(true, "k");
        HttpResponse<String> overloaded = post(false, "k");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("2");
        JsonNode body = json(limited.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(body.path("request_id").asText()).startsWith("req_");
        assertThat(json(openAiStyle.body()).path("error").path("type").asText())
                .as("an OpenAI error type becomes Anthropic's for the status").isEqualTo("rate_limit_error");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(json(overloaded.body()).path("error").path("type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void endsAStreamErrorWithAnErrorEvent() throws Exception {
        server.enqueue(Reply.text("one two three").streamErrorAfter(1));

        List<String[]> events = events(post(true, "k").body());

        assertThat(events.getLast()[0]).isEqualTo("error");
        assertThat(json(events.getLast()[1]).path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(events).extracting(e -> e[0]).doesNotContain("message_stop");
    }

    @Test
    void acceptsTheKeyAsXApiKeyOrBearerAndRejectsOthers() throws Exception {
        try (FakeAnthropicServer strict = FakeAnthropicServer.builder().requireApiKey("sk-ant-right").start()) {
            strict.dispatcher(r -> Reply.text("ok"));
            URI messages = URI.create(strict.baseUrl() + "/v1/messages");
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString(REQUEST.formatted(false));
            HttpResponse<String> wrong = CLIENT.send(HttpRequest.newBuilder(messages)
                    .header("x-api-key", "sk-ant-wrong").POST(body).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> bearer = CLIENT.send(HttpRequest.newBuilder(messages)
                    .header("authorization", "Bearer sk-ant-right").POST(body).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(json(wrong.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(bearer.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void recordsTheConversationWithToolResultsAsToolMessages() throws Exception {
        server.enqueue(Reply.text("ok"));

        post(false, "k");

        RecordedRequest r = server.takeRequest(WAIT);
        assertThat(r.api()).isEqualTo(Api.ANTHROPIC_MESSAGES);
        assertThat(r.systemPrompt()).isEqualTo("Be brief.");
        assertThat(r.toolNames()).containsExactly("get_weather");
        assertThat(r.messages()).extracting(RecordedRequest.Message::role)
                .containsExactly("system", "user", "assistant", "tool");
        assertThat(r.messages().get(2).toolCalls()).containsExactly("get_weather");
        assertThat(r.toolResults()).containsExactly("3 degrees");
        assertThat(r.isAfterToolResult()).isTrue();
        assertThat(r.lastUserMessage()).hasValue("Weather in Oslo?");
    }

    @Test
    void seesAClientCloseTheConnectionBetweenTwoSlowChunks() throws Exception {
        server.enqueue(Reply.text("one two").chunkDelay(Duration.ofSeconds(60)));
        byte[] body = REQUEST.formatted(true).getBytes(StandardCharsets.UTF_8);
        long closedAt;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder read = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!read.toString().contains("text_delta")) {
                int n = in.read(buf);
                assertThat(n).as("the stream went on until the first token").isPositive();
                read.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            closedAt = System.nanoTime();
        }

        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.awaitDisconnect(WAIT)).isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).isGreaterThanOrEqualTo(closedAt);
    }

    @Test
    void answersOtherPathsWith404InAnthropicsShape() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).path("error").path("type").asText()).isEqualTo("not_found_error");
    }
}
