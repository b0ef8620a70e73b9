package dev.cadre.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.cadre.Agent;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStream;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 9. Streamed runs and the Responses API: a single agent's run, one model request answered in
 * {@value #CHUNKS} chunks by the testkit's fake server at zero delay, made by Cadre and by the OpenAI SDK
 * alone — the floor, the same request (system prompt and options copied from the one Cadre sent) — three ways:
 *
 * <ul>
 *   <li>Chat Completions streamed: {@code agent.stream(..)} read to its end against
 *       {@code chat().completions().createStreaming(..)} read to its end; also the time to the first text
 *       (Cadre's first {@code RunContent}, the SDK's first chunk with content);
 *   <li>the Responses API: {@code agent.run(..)} on {@link OpenAIResponses} against {@code responses().create(..)};
 *   <li>the Responses API streamed: {@code agent.stream(..)} against {@code responses().createStreaming(..)}.
 * </ul>
 *
 * <p>As in benchmark 2, every round runs all the variants once in a random order, each timed on the calling
 * thread, and the fake server (which keeps every request) is replaced every {@value #BLOCK} rounds.
 */
final class StreamingSuite implements Suite {

    static final String INPUT = "What are the three laws of thermodynamics?";
    static final String ANSWER = "Energy is conserved; entropy grows; absolute zero cannot be reached.";
    static final int CHUNKS = 20;
    private static final int BLOCK = 500;

    @Override
    public String name() {
        return "streaming";
    }

    @Override
    public String title() {
        return "9. Streamed runs and the Responses API against the SDK alone";
    }

    /** One way of doing one run: returns its answer, and stamps its first text in {@code firstText}. */
    private interface Call {
        String run(AtomicLong firstText) throws Exception;
    }

    private record Variant(String name, Call call) {
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        Map<String, Samples> whole = new LinkedHashMap<>();
        Map<String, Samples> first = new LinkedHashMap<>();
        Random random = new Random(7);
        int left = c.overheadRounds();
        boolean cold = true;
        while (left > 0) {
            int rounds = Math.min(BLOCK, left);
            left -= rounds;
            try (FakeOpenAIServer server = FakeOpenAIServer.start(); Clients clients = new Clients(server)) {
                List<Variant> variants = clients.variants();
                int warmups = cold ? c.overheadWarmups() : Math.min(20, c.overheadWarmups());
                cold = false;
                for (int i = 0; i < warmups + rounds; i++) {
                    Collections.shuffle(variants, random);
                    for (Variant v : variants) {
                        AtomicLong firstText = new AtomicLong();
                        long t = System.nanoTime();
                        String answer = v.call().run(firstText);
                        long dt = System.nanoTime() - t;
                        if (!ANSWER.equals(answer)) {
                            throw new AssertionError(v.name() + " answered '" + answer + "'");
                        }
                        if (i >= warmups) {
                            whole.computeIfAbsent(v.name(), k -> new Samples(c.overheadRounds())).add(dt);
                            if (firstText.get() != 0) {
                                first.computeIfAbsent(v.name(), k -> new Samples(c.overheadRounds()))
                                        .add(firstText.get() - t);
                            }
                        }
                    }
                }
            }
        }
        List<Result> out = new ArrayList<>();
        for (String api : List.of("Chat Completions, streamed", "Responses", "Responses, streamed")) {
            Samples cadre = whole.get("cadre " + api);
            Samples sdk = whole.get("sdk " + api);
            for (double q : new double[] {50, 99}) {
                String p = q == 50 ? "p50" : "p99";
                out.add(Result.of(name(), api + ": Cadre run, " + p, cadre.percentile(q) / 1e3, sdk.percentile(q) / 1e3,
                        "OpenAI SDK, same request, " + p, "µs/run", cadre.size(), "overhead " + p + " = "
                                + Report.num((cadre.percentile(q) - sdk.percentile(q)) / 1e3) + " µs"));
            }
        }
        String chat = "Chat Completions, streamed";
        out.add(Result.of(name(), chat + ": Cadre, time to first text, p50", first.get("cadre " + chat).p50Micros(),
                first.get("sdk " + chat).p50Micros(), "SDK's first chunk with content, p50", "µs",
                first.get("cadre " + chat).size(), "RunContent reaching the reader"));
        return out;
    }

    /** Cadre's agents and the bare SDK against one fake server, and the variants that use them. */
    private static final class Clients implements AutoCloseable {
        private final OpenAIClient sdk;
        private final Agent chatAgent;
        private final Agent responsesAgent;
        private final ChatCompletionCreateParams chatParams;
        private final ResponseCreateParams responsesParams;

        Clients(FakeOpenAIServer server) {
            server.dispatcher(r -> Reply.text(ANSWER).chunks(CHUNKS));
            Model chat = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(server.baseUrl()).build();
            Model responses = OpenAIResponses.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(server.baseUrl())
                    .build();
            String role = "Research topics and provide factual information.";
            chatAgent = Agent.builder().name("Researcher").model(chat).role(role).build();
            responsesAgent = Agent.builder().name("Researcher").model(responses).role(role).build();
            // One streamed run of each, to copy what Cadre sends.
            read(chatAgent, new AtomicLong());
            read(responsesAgent, new AtomicLong());
            List<RecordedRequest> sent = server.requests();
            RecordedRequest chatSent = sent.get(0);
            RecordedRequest responsesSent = sent.get(1);
            if (!chatSent.isStream() || !responsesSent.isStream()) {
                throw new AssertionError("stream() was expected to make streamed requests");
            }
            ChatCompletionCreateParams.Builder cp = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                    .addSystemMessage(chatSent.systemPrompt()).addUserMessage(INPUT);
            if (chatSent.body().path("stream_options").path("include_usage").asBoolean(false)) {
                cp.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
            }
            chatParams = cp.build();
            responsesParams = ResponseCreateParams.builder().model("gpt-4o-mini")
                    .instructions(responsesSent.body().path("instructions").asText())
                    .inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                            .role(EasyInputMessage.Role.USER).content(INPUT).build())))
                    .build();
            sdk = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).maxRetries(0).build();
        }

        List<Variant> variants() {
            return new ArrayList<>(List.of(
                    new Variant("cadre Chat Completions, streamed", f -> read(chatAgent, f)),
                    new Variant("sdk Chat Completions, streamed", this::sdkChatStream),
                    new Variant("cadre Responses", f -> OverheadSuite.check(responsesAgent.run(INPUT)).content()),
                    new Variant("sdk Responses", f -> text(sdk.responses().create(responsesParams))),
                    new Variant("cadre Responses, streamed", f -> read(responsesAgent, f)),
                    new Variant("sdk Responses, streamed", this::sdkResponsesStream)));
        }

        /** Streams a run of {@code agent} to its end; returns the content of its end. */
        private static String read(Agent agent, AtomicLong firstText) {
            try (RunStream stream = agent.stream(RunRequest.builder(INPUT).build())) {
                for (RunEvent e : stream) {
                    if (e instanceof RunContent && firstText.get() == 0) {
                        firstText.set(System.nanoTime());
                    }
                }
                return OverheadSuite.check(stream.result()).content();
            }
        }

        private String sdkChatStream(AtomicLong firstText) {
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> chunks = sdk.chat().completions().createStreaming(chatParams)) {
                chunks.stream().forEach(chunk -> {
                    if (!chunk.choices().isEmpty()) {
                        chunk.choices().get(0).delta().content().ifPresent(t -> {
                            if (!t.isEmpty() && firstText.get() == 0) {
                                firstText.set(System.nanoTime());
                            }
                            text.append(t);
                        });
                    }
                });
            }
            return text.toString();
        }

        private String sdkResponsesStream(AtomicLong firstText) {
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ResponseStreamEvent> events = sdk.responses().createStreaming(responsesParams)) {
                events.stream().forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
            }
            return text.toString();
        }

        private static String text(Response r) {
            StringBuilder text = new StringBuilder();
            r.output().forEach(item -> item.message().ifPresent(m -> m.content()
                    .forEach(part -> part.outputText().ifPresent(t -> text.append(t.text())))));
            return text.toString();
        }

        @Override
        public void close() {
            sdk.close();
        }
    }
}
