package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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

/** The Gemini API's wire format as FakeGeminiServer speaks it, read as raw HTTP. */
class FakeGeminiServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String WHOLE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String BODY = """
            {"systemInstruction":{"parts":[{"text":"Be brief."}]},
             "contents":[{"role":"user","parts":[{"text":"Weather?"}]},
                         {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}}}]},
                         {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"3 C"}}}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","parametersJsonSchema":{"type":"object"}}]}]}""";

    private final FakeGeminiServer server = FakeGeminiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header("x-goog-api-key", key);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> events(String sse) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String event : sse.split("\r\n\r\n")) {
            if (!event.isBlank()) {
                assertThat(event).startsWith("data: ");
                out.add(JSON.readTree(event.substring(6)));
            }
        }
        return out;
    }

    @Test
    void streamsChunksOfGenerateContentResponsesTheLastWithTheFinishReasonAndTotals() throws Exception {
        server.enqueue(GeminiReply.thinking("Hmm.", Reply.text("Hello there").usage(new FakeUsage(12, 7, 3, 2))));

        HttpResponse<String> response = post(STREAM, BODY, "k");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<JsonNode> chunks = events(response.body());
        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(0).at("/candidates/0/content/parts/0/thought").asBoolean()).isTrue();
        assertThat(chunks.get(0).at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Hmm.");
        assertThat(chunks.get(1).at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Hello");
        assertThat(chunks.get(1).at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(chunks.get(1).at("/candidates/0").has("finishReason")).isFalse();
        assertThat(chunks.get(1).at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(12);
        JsonNode last = chunks.getLast();
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(last.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(5);
        assertThat(last.at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(2);
        assertThat(last.at("/usageMetadata/cachedContentTokenCount").asInt()).isEqualTo(3);
        assertThat(last.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(19);
        assertThat(last.get("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(chunks).extracting(c -> c.get("responseId").asText()).containsOnly(last.get("responseId").asText());
    }

    @Test
    void answersAWholeTurnWithThoughtTextAndEveryFunctionCallInOneContent() throws Exception {
        server.enqueue(GeminiReply.thinking("Two cities.", Reply.text("Checking.").withToolCalls(
                FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}"),
                FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}").withId("fc_2"))).withThoughtSignature("c2ln"));

        JsonNode body = JSON.readTree(post(WHOLE, BODY, "k").body());

        JsonNode parts = body.at("/candidates/0/content/parts");
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0).get("thought").asBoolean()).isTrue();
        assertThat(parts.get(1).get("text").asText()).isEqualTo("Checking.");
        assertThat(parts.get(2).at("/functionCall/args/city").asText()).isEqualTo("Oslo");
        assertThat(parts.get(2).path("functionCall").has("id")).as("Gemini gives no id unless scripted").isFalse();
        assertThat(parts.get(2).get("thoughtSignature").asText()).isEqualTo("c2ln");
        assertThat(parts.get(3).at("/functionCall/id").asText()).isEqualTo("fc_2");
        assertThat(parts.get(3).has("thoughtSignature")).as("only the first call is signed").isFalse();
        assertThat(body.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void recordsTheConversationAsEveryFakeServerShowsIt() throws Exception {
        server.enqueue(Reply.text("ok"));

        post(STREAM, BODY, "k");

        RecordedRequest r = server.takeRequest(WAIT);
        assertThat(r.api()).isEqualTo(Api.GEMINI_GENERATE_CONTENT);
        assertThat(r.model()).hasValue("gemini-2.5-flash");
        assertThat(r.isStream()).isTrue();
        assertThat(r.systemPrompt()).isEqualTo("Be brief.");
        assertThat(r.lastUserMessage()).hasValue("Weather?");
        assertThat(r.toolNames()).containsExactly("get_weather");
        assertThat(r.toolResults()).containsExactly("3 C");
        assertThat(r.isAfterToolResult()).isTrue();
        assertThat(r.messages()).extracting(RecordedRequest.Message::role)
                .containsExactly("system", "user", "assistant", "tool");
    }

    @Test
    void errorsComeInGooglesBodyWithTheirStatusAndDetails() throws Exception {
        server.enqueue(GeminiReply.quotaExceeded(Duration.ofMillis(1500)), GeminiReply.of(Reply.serverError()));

        HttpResponse<String> quota = post(WHOLE, BODY, "k");
        HttpResponse<String> internal = post(STREAM, BODY, "k");

        assertThat(quota.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(quota.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(429);
        assertThat(error.get("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.at("/details/0/@type").asText()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
        assertThat(error.at("/details/0/retryDelay").asText()).isEqualTo("1.5s");
        assertThat(internal.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(internal.body()).at("/error/status").asText()).isEqualTo("INTERNAL");
    }

    @Test
    void aWrongKeyAnUnknownPathAndAStreamWithoutSseAreRefusedAsTheRealApiWould() throws Exception {
        try (FakeGeminiServer strict = FakeGeminiServer.builder().requireApiKey("right").start()) {
            HttpResponse<String> wrongKey = HTTP.send(HttpRequest.newBuilder(URI.create(strict.baseUrl() + WHOLE))
                    .header("x-goog-api-key", "wrong").POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongKey.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(wrongKey.body()).at("/error/details/0/reason").asText())
                    .isEqualTo("API_KEY_INVALID");
            HttpResponse<String> noKey = HTTP.send(HttpRequest.newBuilder(URI.create(strict.baseUrl() + WHOLE))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noKey.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(noKey.body()).at("/error/status").asText()).isEqualTo("PERMISSION_DENIED");
        }
        assertThat(post("/v1beta/models/x:countTokens", BODY, "k").statusCode()).isEqualTo(404);
        assertThat(post("/v1beta/models/x:streamGenerateContent", BODY, "k").statusCode()).isEqualTo(400);
    }

    @Test
    void seesAClientCloseItsConnectionBetweenTwoChunks() throws Exception {
        Duration gap = Duration.ofSeconds(60);
        server.enqueue(Reply.text("one two three").chunkDelay(gap));
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        long beforeClose;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + STREAM + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!seen.toString().contains("\"one\"")) {
                int n = in.read(buf);
                assertThat(n).as("the first chunk arrives").isPositive();
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            beforeClose = System.nanoTime();
        }

        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.awaitDisconnect(gap.dividedBy(4))).isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).as("seen after the client closed")
                .isGreaterThanOrEqualTo(beforeClose);
        assertThat(request.outcome().join().kind()).isEqualTo(Outcome.Kind.CLIENT_DISCONNECTED);
    }
}
