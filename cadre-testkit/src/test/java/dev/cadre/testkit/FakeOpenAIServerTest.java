package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FakeOpenAIServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final FakeOpenAIServer server = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static final String CHAT_STREAM = """
            {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream":true,
             "stream_options":{"include_usage":true}}""";
    private static final String CHAT = """
            {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}""";
    private static final String RESPONSES_STREAM = """
            {"model":"gpt-5.4","instructions":"Be brief.","input":[{"role":"user","content":"Hi"}],"stream":true,
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"}}]}""";

    /** The JSON payloads of the {@code data:} lines, in order. */
    private static List<String> dataLines(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }

    private static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }

    @Nested
    class ChatCompletionsWireFormat {

        @Test
        void streamsTextAsDataOnlyChunksThenUsageThenDone() throws Exception {
            server.enqueue(Reply.text("Hello there world").usage(FakeUsage.of(14, 3).withCachedTokens(4)));

            HttpResponse<String> response = RawHttp.post(server, "/chat/completions", CHAT_STREAM);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/event-stream"));
            String body = response.body();
            assertThat(body).doesNotContain("event:").endsWith("data: [DONE]\n\n");
            assertThat(body.split("\n\n")).allSatisfy(event -> assertThat(event).startsWith("data: "));
            List<String> data = dataLines(body);
            JsonNode first = json(data.get(0));
            assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(first.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
            assertThat(first.at("/choices/0/delta/content").asText()).isEmpty();
            assertThat(first.has("usage")).as("usage: null on every other chunk").isTrue();
            StringBuilder text = new StringBuilder();
            for (String d : data.subList(1, 4)) {
                text.append(json(d).at("/choices/0/delta/content").asText());
            }
            assertThat(text).hasToString("Hello there world");
            JsonNode finish = json(data.get(4));
            assertThat(finish.at("/choices/0/delta").size()).isZero();
            assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            JsonNode usage = json(data.get(5));
            assertThat(usage.get("choices")).isEmpty();
            assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(14);
            assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(3);
            assertThat(usage.at("/usage/total_tokens").asLong()).isEqualTo(17);
            assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(4);
            assertThat(data.get(6)).isEqualTo("[DONE]");
            assertThat(data.stream().limit(6).map(d -> d.substring(0, 30)).distinct()).hasSize(1)
                    .as("every chunk repeats the same id");
        }

        @Test
        void leavesOutTheUsageChunkUnlessAskedFor() throws Exception {
            server.enqueue(Reply.text("Hi"));

            String body = RawHttp.post(server, "/chat/completions",
                    CHAT_STREAM.replace("\"include_usage\":true", "\"include_usage\":false")).body();

            assertThat(body).doesNotContain("\"usage\"").contains("data: [DONE]");
        }

        @Test
        void streamsParallelToolCallsAsIndexedFragments() throws Exception {
            server.enqueue(Reply.toolCalls(
                    FakeToolCall.of("get_weather", "{\"city\":\"Paris\"}").withId("call_a").inFragments(2),
                    FakeToolCall.of("get_time", "{\"tz\":\"CET\"}").withId("call_b").inFragments(3)));

            List<String> data = dataLines(RawHttp.post(server, "/chat/completions", CHAT_STREAM).body());

            JsonNode first = json(data.get(0));
            assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
            assertThat(first.at("/choices/0/delta/content").isNull()).isTrue();
            assertThat(first.at("/choices/0/delta/tool_calls/0/id").asText()).isEqualTo("call_a");
            assertThat(first.at("/choices/0/delta/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
            assertThat(first.at("/choices/0/delta/tool_calls/0/function/arguments").asText()).isEmpty();
            StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
            int headers = 0;
            for (String d : data) {
                if (d.equals("[DONE]")) {
                    continue;
                }
                for (JsonNode call : json(d).at("/choices/0/delta/tool_calls")) {
                    if (call.has("id")) {
                        headers++;
                        assertThat(call.at("/function/arguments").asText()).isEmpty();
                    } else {
                        assertThat(call.has("type")).isFalse();
                        assertThat(call.at("/function").has("name")).isFalse();
                    }
                    args[call.get("index").asInt()].append(call.at("/function/arguments").asText());
                }
            }
            assertThat(headers).isEqualTo(2);
            assertThat(args[0]).hasToString("{\"city\":\"Paris\"}");
            assertThat(args[1]).hasToString("{\"tz\":\"CET\"}");
            assertThat(data).anySatisfy(d -> assertThat(d).contains("\"finish_reason\":\"tool_calls\""));
        }

        @Test
        void answersUnstreamedRequestsWithOneChatCompletion() throws Exception {
            server.enqueue(Reply.text("Hello!").withToolCalls(FakeToolCall.of("f", "{}").withId("call_1"))
                    .usage(19, 10));

            HttpResponse<String> response = RawHttp.post(server, "/chat/completions", CHAT);

            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode body = json(response.body());
            assertThat(body.get("object").asText()).isEqualTo("chat.completion");
            assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello!");
            assertThat(body.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{}");
            assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(29);
        }

        @Test
        void cutsTheStreamWithAnErrorEventOrWithoutDone() throws Exception {
            server.enqueue(Reply.text("a b c d").streamErrorAfter(2), Reply.text("a b").withoutTerminator());

            List<String> failed = dataLines(RawHttp.post(server, "/chat/completions", CHAT_STREAM).body());
            String unterminated = RawHttp.post(server, "/chat/completions", CHAT_STREAM).body();

            assertThat(failed).hasSize(4);
            assertThat(json(failed.get(3)).at("/error/type").asText()).isEqualTo("server_error");
            assertThat(unterminated).contains("\"finish_reason\":\"stop\"").doesNotContain("[DONE]");
        }
    }

    @Nested
    class ResponsesWireFormat {

        @Test
        void streamsTheResponseEventSequenceWithIncreasingSequenceNumbers() throws Exception {
            server.enqueue(Reply.text("Hi there").withToolCalls(
                    FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("call_w")).usage(37, 11));

            String body = RawHttp.post(server, "/responses", RESPONSES_STREAM).body();

            List<String> types = new ArrayList<>();
            List<JsonNode> events = new ArrayList<>();
            for (String event : body.split("\n\n")) {
                String[] lines = event.split("\n");
                assertThat(lines).hasSize(2);
                assertThat(lines[0]).startsWith("event: ");
                JsonNode data = json(lines[1].substring("data: ".length()));
                assertThat(data.get("type").asText()).isEqualTo(lines[0].substring("event: ".length()));
                assertThat(data.get("sequence_number").asInt()).isEqualTo(events.size());
                types.add(data.get("type").asText());
                events.add(data);
            }
            assertThat(types).containsExactly("response.created", "response.in_progress",
                    "response.output_item.added", "response.content_part.added",
                    "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
                    "response.content_part.done", "response.output_item.done",
                    "response.output_item.added", "response.function_call_arguments.delta",
                    "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                    "response.function_call_arguments.done", "response.output_item.done", "response.completed");
            assertThat(body).doesNotContain("[DONE]");
            JsonNode created = events.get(0).get("response");
            assertThat(created.get("status").asText()).isEqualTo("in_progress");
            assertThat(created.get("instructions").asText()).isEqualTo("Be brief.");
            assertThat(created.at("/tools/0/name").asText()).isEqualTo("get_weather");
            JsonNode callAdded = events.get(9);
            assertThat(callAdded.at("/item/type").asText()).isEqualTo("function_call");
            assertThat(callAdded.at("/item/call_id").asText()).isEqualTo("call_w");
            String itemId = callAdded.at("/item/id").asText();
            assertThat(itemId).startsWith("fc_");
            assertThat(events.get(10).get("item_id").asText()).isEqualTo(itemId);
            assertThat(events.get(10).get("output_index").asInt()).isEqualTo(1);
            JsonNode completed = events.get(15).get("response");
            assertThat(completed.get("status").asText()).isEqualTo("completed");
            assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo("Hi there");
            assertThat(completed.at("/output/1/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
            assertThat(completed.at("/usage/input_tokens").asLong()).isEqualTo(37);
            assertThat(completed.at("/usage/total_tokens").asLong()).isEqualTo(48);
        }

        @Test
        void answersUnstreamedRequestsWithOneResponseObject() throws Exception {
            server.enqueue(Reply.toolCall("get_weather", "{}"));

            JsonNode body = json(RawHttp.post(server, "/responses",
                    RESPONSES_STREAM.replace("\"stream\":true", "\"stream\":false")).body());

            assertThat(body.get("object").asText()).isEqualTo("response");
            assertThat(body.get("status").asText()).isEqualTo("completed");
            assertThat(body.at("/output/0/type").asText()).isEqualTo("function_call");
            assertThat(body.at("/output/0/call_id").asText()).startsWith("call_");
        }

        @Test
        void endsAStreamErrorWithAnErrorEvent() throws Exception {
            server.enqueue(Reply.text("a b c").streamErrorAfter(1));

            String body = RawHttp.post(server, "/responses", RESPONSES_STREAM).body();

            assertThat(body).contains("event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\"")
                    .doesNotContain("response.completed");
        }
    }

    @Nested
    class Errors {

        @Test
        void answersScriptedErrorsWithOpenAIsErrorBodyAndHeaders() throws Exception {
            server.enqueue(Reply.rateLimited(Duration.ofMillis(1500)));

            HttpResponse<String> response = RawHttp.post(server, "/chat/completions", CHAT_STREAM);

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("retry-after")).hasValue("2");
            assertThat(response.headers().firstValue("retry-after-ms")).hasValue("1500");
            JsonNode error = json(response.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.has("param")).isTrue();
        }

        @Test
        void rejectsTheWrongApiKeyWhenOneIsRequired() throws Exception {
            try (FakeOpenAIServer strict = FakeOpenAIServer.builder().requireApiKey("sk-right").start()) {
                strict.enqueue(Reply.text("never sent"));

                HttpResponse<String> response = RawHttp.post(strict, "/chat/completions", CHAT);

                assertThat(response.statusCode()).isEqualTo(401);
                assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
            }
        }

        @Test
        void failsLoudlyWhenNoScriptAnswers() throws Exception {
            HttpResponse<String> response = RawHttp.post(server, "/chat/completions", CHAT);

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(json(response.body()).at("/error/message").asText()).contains("no scripted reply")
                    .contains("Hi");
        }

        @Test
        void answersUnknownPathsWith404() throws Exception {
            assertThat(RawHttp.post(server, "/embeddings", "{}").statusCode()).isEqualTo(404);
        }
    }

    @Nested
    class Scripting {

        @Test
        void rulesAnswerBeforeTheQueueAndAreUsedUpInOrder() throws Exception {
            server.when(r -> r.systemPrompt().contains("brief"), Reply.text("rule 1"), Reply.text("rule 2"));
            server.enqueue(Reply.text("queued"));
            server.dispatcher(r -> Reply.text("fallback"));

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(json(RawHttp.post(server, "/chat/completions", CHAT).body())
                        .at("/choices/0/message/content").asText());
            }

            assertThat(answers).containsExactly("rule 1", "rule 2", "queued", "fallback");
        }

        @Test
        void recordsEveryRequestWithItsParsedConversation() throws Exception {
            server.dispatcher(r -> Reply.text("ok"));
            RawHttp.post(server, "/chat/completions", """
                    {"model":"gpt-4o","messages":[{"role":"developer","content":"Sys"},
                     {"role":"user","content":[{"type":"text","text":"Q"}]},
                     {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                       "function":{"name":"lookup","arguments":"{}"}}]},
                     {"role":"tool","tool_call_id":"call_1","content":"42"}],
                     "tools":[{"type":"function","function":{"name":"lookup","parameters":{}}}]}""");
            RawHttp.post(server, "/responses", """
                    {"model":"gpt-5","instructions":"Sys","input":[{"role":"user","content":"Q"},
                     {"type":"function_call","call_id":"call_1","name":"lookup","arguments":"{}"},
                     {"type":"function_call_output","call_id":"call_1","output":"42"}],
                     "tools":[{"type":"function","name":"lookup"}]}""");

            List<RecordedRequest> requests = server.awaitRequests(2, WAIT);

            for (RecordedRequest r : requests) {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.header("Authorization")).hasValue("Bearer sk-test");
                assertThat(r.systemPrompt()).isEqualTo("Sys");
                assertThat(r.lastUserMessage()).hasValue("Q");
                assertThat(r.toolNames()).containsExactly("lookup");
                assertThat(r.toolResults()).containsExactly("42");
                assertThat(r.isAfterToolResult()).isTrue();
                assertThat(r.messages()).extracting(RecordedRequest.Message::role)
                        .containsExactly("system", "user", "assistant", "tool");
                assertThat(r.messages().get(2).toolCalls()).containsExactly("lookup");
                assertThat(r.messages().get(3).toolCallId()).hasValue("call_1");
                assertThat(r.awaitOutcome(WAIT).kind()).isEqualTo(Outcome.Kind.COMPLETED);
            }
            assertThat(requests).extracting(RecordedRequest::api)
                    .containsExactly(Api.CHAT_COMPLETIONS, Api.RESPONSES);
            assertThat(server.takeRequest(WAIT)).isSameAs(requests.get(0));
        }
    }

    @Nested
    class Disconnects {

        @Test
        void seesTheClientCloseWhileWaitingBetweenTwoSlowChunks() throws Exception {
            // The next chunk is a long way off: a server that only noticed the close when its next
            // write failed would report it no sooner than that.
            Duration gap = Duration.ofSeconds(60);
            server.enqueue(Reply.text("one two three four five").chunkDelay(gap));
            long closedAt;
            try (RawHttp.OpenRequest open = new RawHttp.OpenRequest(server, "/chat/completions", CHAT_STREAM)) {
                open.readUntil("\"content\":\"one\"");
                closedAt = System.nanoTime();
            }

            RecordedRequest request = server.takeRequest(WAIT);

            assertThat(request.awaitDisconnect(gap.dividedBy(4)))
                    .as("the close is seen while the server waits out the %d s before the next chunk", gap.toSeconds())
                    .isTrue();
            assertThat(request.disconnectedAtNanos().orElseThrow()).as("seen after the client closed")
                    .isGreaterThanOrEqualTo(closedAt);
        }

        @Test
        void seesTheClientGiveUpOnAStall() throws Exception {
            server.enqueue(Reply.stall(), Reply.stall());
            try (RawHttp.OpenRequest streamed = new RawHttp.OpenRequest(server, "/responses", RESPONSES_STREAM);
                    RawHttp.OpenRequest plain = new RawHttp.OpenRequest(server, "/chat/completions", CHAT)) {
                assertThat(streamed.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 200").contains("text/event-stream");
                server.awaitRequests(2, WAIT);
                assertThat(plain.socket.isConnected()).isTrue();
                assertThat(server.requests()).allSatisfy(r -> assertThat(r.outcome()).isNotDone());
            }

            assertThat(server.requests()).allSatisfy(r -> assertThat(r.awaitDisconnect(WAIT)).isTrue());
        }

        @Test
        void reportsACompletedAnswerAsNoDisconnect() throws Exception {
            server.enqueue(Reply.text("done"));
            RawHttp.post(server, "/chat/completions", CHAT_STREAM);

            RecordedRequest request = server.takeRequest(WAIT);

            assertThat(request.awaitDisconnect(WAIT)).isFalse();
            assertThat(request.disconnectedAtNanos()).isEmpty();
            assertThat(request.awaitOutcome(WAIT).kind()).isEqualTo(Outcome.Kind.COMPLETED);
        }

        @Test
        void resetsTheConnectionMidStreamWhenScripted() throws Exception {
            server.enqueue(Reply.text("a b c d").closeAbruptlyAfter(2));

            try (RawHttp.OpenRequest open = new RawHttp.OpenRequest(server, "/chat/completions", CHAT_STREAM)) {
                assertThatThrownBy(() -> open.readUntil("[DONE]")).isInstanceOf(IOException.class);
            }
            assertThat(server.takeRequest(WAIT).awaitOutcome(WAIT).kind()).isEqualTo(Outcome.Kind.SERVER_CLOSED);
        }

        @Test
        void holdsTheStreamOpenAfterSomeChunksUntilTheClientLeavesWhenScriptedToStall() throws Exception {
            server.enqueue(Reply.textChunks("a", " b", " c", " d").stallAfter(2));

            String read;
            try (RawHttp.OpenRequest open = new RawHttp.OpenRequest(server, "/chat/completions", CHAT_STREAM)) {
                read = open.readUntil("\"content\":\" b\"");
                assertThat(server.takeRequest(WAIT).outcome()).as("still open while the client waits").isNotDone();
            }
            assertThat(read).doesNotContain("\" c\"", "[DONE]");
            assertThat(server.requests().getFirst().awaitOutcome(WAIT).kind())
                    .isEqualTo(Outcome.Kind.CLIENT_DISCONNECTED);
        }
    }

    @Nested
    class ReplyValues {

        @Test
        void splitsTextIntoWordChunksOrIntoAGivenNumberOfChunks() {
            assertThat(Reply.text("Hello there  world").textChunks()).containsExactly("Hello", " there", "  world");
            assertThat(Reply.text("abcdefgh").chunks(4).textChunks()).containsExactly("ab", "cd", "ef", "gh");
            assertThat(Reply.textChunks("a", "b").textChunks()).containsExactly("a", "b");
        }
    }
}
