package dev.cadre.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * 2. Per-run overhead: the same model conversation driven three ways against the testkit's fake
 * server with zero delay, all Chat Completions, non-streamed, in one JVM:
 *
 * <ul>
 *   <li><b>Cadre</b> — {@code team.run(..)}: leader → {@code delegate_task_to_member} → member
 *       answers → leader answers (3 HTTP requests); and {@code agent.run(..)} (1 request).
 *   <li><b>Floor</b> — the same requests made directly with the OpenAI Java SDK (the client Cadre is
 *       built on, same settings: OkHttp, no SDK retries). System prompts and the tool's JSON schema
 *       are copied from the requests Cadre sent, so the bodies match; the SDK parses every response
 *       and the third request is built from the tool call of the first.
 *   <li><b>LangChain4j</b> — what a Java user would write instead: an AI service (the leader) with a
 *       {@code @Tool delegate_task_to_member(member_id, task)} that calls a second AI service (the
 *       member); the same 3 requests. Single agent: one AI service call.
 * </ul>
 *
 * <p>Every round runs all six variants once, in a random order, so that all share the same
 * conditions; each is timed on the calling thread. The fake server keeps every request it gets, so
 * the rounds are split into blocks, each with a fresh server and fresh clients.
 */
final class OverheadSuite implements Suite {

    static final String TOOL = "delegate_task_to_member";
    static final String MEMBER_ANSWER = "Fact one. Fact two.";
    static final String LEADER_ANSWER = "The answer, from the facts.";
    static final String INPUT = "What are the three laws of thermodynamics?";
    private static final int BLOCK = 500;

    @Override
    public String name() {
        return "overhead";
    }

    @Override
    public String title() {
        return "2. Per-run overhead against a zero-delay fake server";
    }

    /** One way of doing one run, timed as a whole. */
    private record Variant(String name, Callable<String> run, String expected) {
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        Map<String, Samples> samples = new LinkedHashMap<>();
        Random random = new Random(42);
        int left = c.overheadRounds();
        boolean first = true;
        while (left > 0) {
            int rounds = Math.min(BLOCK, left);
            left -= rounds;
            try (FakeOpenAIServer server = FakeOpenAIServer.start(); Clients clients = new Clients(server)) {
                List<Variant> variants = clients.variants();
                int warmups = first ? c.overheadWarmups() : Math.min(20, c.overheadWarmups());
                first = false;
                for (int i = 0; i < warmups + rounds; i++) {
                    Collections.shuffle(variants, random);
                    for (Variant v : variants) {
                        long t = System.nanoTime();
                        String answer = v.run().call();
                        long dt = System.nanoTime() - t;
                        if (!v.expected().equals(answer)) {
                            throw new AssertionError(v.name() + " answered '" + answer + "'");
                        }
                        if (i >= warmups) {
                            samples.computeIfAbsent(v.name(), k -> new Samples(c.overheadRounds())).add(dt);
                        }
                    }
                }
                Bench.ENV.put("overhead: TCP connections per block", server.connectionCount()
                        + " for " + server.requestCount() + " requests (3 clients, keep-alive)");
            }
        }
        List<Result> out = new ArrayList<>();
        for (String shape : List.of("team", "agent")) {
            Samples cadre = samples.get("cadre " + shape);
            Samples raw = samples.get("sdk " + shape);
            Samples lc4j = samples.get("langchain4j " + shape);
            String what = shape.equals("team") ? "Team run (3 requests)" : "Single-agent run (1 request)";
            for (String p : List.of("p50", "p99")) {
                double q = p.equals("p50") ? 50 : 99;
                out.add(Result.of(name(), what + ", Cadre, " + p, cadre.percentile(q) / 1e3,
                        raw.percentile(q) / 1e3, "OpenAI SDK, same requests", "µs/run", cadre.size(),
                        "overhead " + p + " = " + Report.num((cadre.percentile(q) - raw.percentile(q)) / 1e3) + " µs"));
                out.add(Result.of(name(), what + ", LangChain4j, " + p, lc4j.percentile(q) / 1e3,
                        raw.percentile(q) / 1e3, "OpenAI SDK, same requests", "µs/run", lc4j.size(),
                        "overhead " + p + " = " + Report.num((lc4j.percentile(q) - raw.percentile(q)) / 1e3) + " µs"));
            }
            out.add(Result.of(name(), what + ", Cadre vs LangChain4j, p50", cadre.p50Micros(), lc4j.p50Micros(),
                    "LangChain4j AI service", "µs/run", cadre.size(), "below 1: Cadre is faster"));
        }
        return out;
    }

    /** The three clients against one fake server, and the six variants that use them. */
    private static final class Clients implements AutoCloseable {
        private final FakeOpenAIServer server;
        private final OpenAIClient sdk;
        private final Team team;
        private final Agent agent;
        private final LangChain4jTeam lc4j;
        private final SdkTeam raw;

        Clients(FakeOpenAIServer server) {
            this.server = server;
            server.dispatcher(OverheadSuite::reply);
            Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(server.baseUrl()).build();
            Agent researcher = Agent.builder().name("Researcher").model(model)
                    .role("Research topics and provide factual information.").build();
            Agent writer = Agent.builder().name("Writer").model(model).role("Write clear and concise summaries.")
                    .build();
            team = Team.builder().name("Research Team").model(model).members(researcher, writer)
                    .instructions("First, have the researcher gather key facts.",
                            "Then, have the writer create a concise summary.")
                    .build();
            agent = researcher;
            // One Cadre team run and one agent run, to copy their prompts and tool schema.
            check(team.run(INPUT));
            int before = server.requestCount();
            check(agent.run(INPUT));
            List<RecordedRequest> sent = server.requests();
            RecordedRequest leader = sent.stream().filter(r -> r.hasTool(TOOL) && !r.isAfterToolResult())
                    .findFirst().orElseThrow();
            RecordedRequest member = sent.stream().filter(r -> !r.hasTool(TOOL)).findFirst().orElseThrow();
            RecordedRequest single = sent.get(before);
            if (sent.stream().anyMatch(RecordedRequest::isStream)) {
                throw new AssertionError("run() was expected to make non-streamed requests");
            }
            JsonNode tool = leader.body().get("tools").get(0).get("function");
            sdk = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).maxRetries(0).build();
            raw = new SdkTeam(sdk, leader.systemPrompt(), member.systemPrompt(), single.systemPrompt(), tool);
            ChatModel lcModel = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("sk-test")
                    .modelName("gpt-4o-mini").maxRetries(0).build();
            lc4j = new LangChain4jTeam(lcModel, leader.systemPrompt(), member.systemPrompt(), single.systemPrompt());
        }

        List<Variant> variants() {
            return new ArrayList<>(List.of(
                    new Variant("cadre team", () -> check(team.run(INPUT)).content(), LEADER_ANSWER),
                    new Variant("sdk team", () -> raw.team(INPUT), LEADER_ANSWER),
                    new Variant("langchain4j team", () -> lc4j.leader.chat(INPUT), LEADER_ANSWER),
                    new Variant("cadre agent", () -> check(agent.run(INPUT)).content(), MEMBER_ANSWER),
                    new Variant("sdk agent", () -> raw.agent(INPUT), MEMBER_ANSWER),
                    new Variant("langchain4j agent", () -> lc4j.single.chat(INPUT), MEMBER_ANSWER)));
        }

        @Override
        public void close() {
            sdk.close();
        }
    }

    static <T extends dev.cadre.run.RunResult> T check(T out) {
        if (out.status() != RunStatus.COMPLETED) {
            throw new AssertionError("run ended " + out.status() + ": " + out.content());
        }
        if (out instanceof TeamRunOutput t && t.memberResponses().size() != 1) {
            throw new AssertionError("expected one delegation, got " + t.memberResponses().size());
        }
        return out;
    }

    /** The fake model: the leader delegates once, then answers; anyone without the tool answers at once. */
    static Reply reply(RecordedRequest r) {
        if (r.hasTool(TOOL)) {
            return r.isAfterToolResult() ? Reply.text(LEADER_ANSWER)
                    : Reply.toolCall(TOOL, "{\"member_id\":\"researcher\",\"task\":\"Find the key facts.\"}");
        }
        return Reply.text(MEMBER_ANSWER);
    }

    /** The floor: the team's three requests, made with the SDK by hand. */
    private record SdkTeam(OpenAIClient client, String leaderPrompt, String memberPrompt, String agentPrompt,
            JsonNode tool) {

        String team(String input) throws java.io.IOException {
            ChatCompletionFunctionTool delegate = ChatCompletionFunctionTool.builder().function(
                    FunctionDefinition.builder().name(tool.get("name").asText())
                            .description(tool.get("description").asText())
                            .parameters(FunctionParameters.builder().additionalProperties(schema(tool.get("parameters")))
                                    .build())
                            .build())
                    .build();
            ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addSystemMessage(leaderPrompt).addUserMessage(input).addTool(delegate).build());
            ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow()
                    .get(0).asFunction();
            JsonNode args = Report.JSON.readTree(call.function().arguments().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String memberAnswer = text(client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addSystemMessage(memberPrompt).addUserMessage(args.get("task").asText())
                    .build()));
            return text(client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addSystemMessage(leaderPrompt).addUserMessage(input)
                    .addMessage(ChatCompletionAssistantMessageParam.builder()
                            .addToolCall(ChatCompletionMessageToolCall.ofFunction(call)).build())
                    .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content(memberAnswer)
                            .build())
                    .addTool(delegate).build()));
        }

        String agent(String input) {
            return text(client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addSystemMessage(agentPrompt).addUserMessage(input).build()));
        }

        private static String text(ChatCompletion c) {
            return c.choices().get(0).message().content().orElse("");
        }

        private static Map<String, JsonValue> schema(JsonNode parameters) {
            Map<String, JsonValue> out = new LinkedHashMap<>();
            parameters.properties().forEach(e -> out.put(e.getKey(), JsonValue.fromJsonNode(e.getValue())));
            return out;
        }
    }

    /** LangChain4j's way: AI services, the leader's tool calling the member's service. */
    static final class LangChain4jTeam {

        interface Assistant {
            String chat(String message);
        }

        final Assistant leader;
        final Assistant member;
        final Assistant single;

        LangChain4jTeam(ChatModel model, String leaderPrompt, String memberPrompt, String agentPrompt) {
            member = AiServices.builder(Assistant.class).chatModel(model).systemMessageProvider(id -> memberPrompt)
                    .build();
            single = AiServices.builder(Assistant.class).chatModel(model).systemMessageProvider(id -> agentPrompt)
                    .build();
            leader = AiServices.builder(Assistant.class).chatModel(model).systemMessageProvider(id -> leaderPrompt)
                    .tools(new Delegation(member)).build();
        }

        /** The leader's one tool, named and shaped like Cadre's. */
        record Delegation(Assistant member) {
            @Tool(name = TOOL, value = "Delegate a task to a member of the team")
            public String delegate(@P("The id of the member") String member_id, @P("The task") String task) {
                return member.chat(task);
            }
        }
    }
}
