package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.event.TeamRunContent;
import dev.cadre.model.Model;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed team (a coordinating leader with a Researcher and a Writer) driven end to end by each
 * OpenAI model class over real HTTP, against the fake server.
 */
class SeedTeamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * How long a reply that gets cancelled would go on before its next step. The cancel's effects
     * are awaited for a fraction of it, so they cannot be the reply moving on or ending by itself.
     */
    private static final Duration SCRIPTED = Duration.ofSeconds(60);
    private static final Duration WELL_WITHIN_THE_SCRIPT = SCRIPTED.dividedBy(4);
    private static final String QUESTION = "What are the three laws of thermodynamics?";
    private static final String FACTS = "Energy is conserved. Entropy grows. Absolute zero is unreachable.";
    private static final String SUMMARY = "Energy stays, disorder grows, and zero kelvin stays out of reach.";
    private static final String ANSWER = "Here is the summary: " + SUMMARY;

    private final FakeOpenAIServer server = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static Team seedTeam(Model leader, Model members) {
        Agent researcher = Agent.builder().name("Researcher").model(members)
                .role("Research topics and provide factual information.").build();
        Agent writer = Agent.builder().name("Writer").model(members)
                .role("Write clear and concise content based on research.").build();
        return Team.builder().name("ResearchTeam").model(leader).members(researcher, writer)
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .build();
    }

    private static FakeToolCall delegate(String memberId, String task) {
        return FakeToolCall.of("delegate_task_to_member",
                "{\"member_id\":\"" + memberId + "\",\"task\":\"" + task + "\"}").inFragments(4);
    }

    /**
     * Answers like the real models would: the leader (the only caller offered the delegation tool)
     * delegates to the researcher, then to the writer, then answers; the members answer their task.
     */
    private void scriptTheSeedConversation() {
        server.dispatcher(request -> {
            if (request.hasTool("delegate_task_to_member")) {
                return switch (request.toolResults().size()) {
                    case 0 -> Reply.toolCalls(delegate("researcher", "Gather the key facts."))
                            .usage(new FakeUsage(100, 10, 40, 0));
                    case 1 -> Reply.toolCalls(delegate("writer", "Summarise: " + FACTS)).usage(FakeUsage.of(120, 12));
                    default -> Reply.text(ANSWER).usage(new FakeUsage(140, 14, 0, 6));
                };
            }
            if (request.systemPrompt().contains("Research topics")) {
                return Reply.text(FACTS).usage(FakeUsage.of(50, 5));
            }
            if (request.systemPrompt().contains("Write clear and concise")) {
                return Reply.text(SUMMARY).usage(FakeUsage.of(60, 6));
            }
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void theLeaderDelegatesToBothMembersAndAnswersFromTheirResults(Models kind) {
        scriptTheSeedConversation();
        Model model = kind.against(server);

        TeamRunOutput out = seedTeam(model, model).run(QUESTION);

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo(ANSWER);
        assertThat(out.model()).hasValue(kind.id());
        assertThat(out.modelProvider()).hasValue("OpenAI");
        assertThat(out.memberResponses()).extracting(RunResult::componentId).containsExactly("researcher", "writer");
        assertThat(out.memberResponses()).extracting(RunResult::content).containsExactly(FACTS, SUMMARY);
        assertThat(out.memberResponses()).allSatisfy(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(m.parentRunId()).contains(out.runId());
        });
        assertThat(out.metrics().inputTokens()).isEqualTo(360);
        assertThat(out.metrics().outputTokens()).isEqualTo(36);
        assertThat(out.metrics().totalTokens()).isEqualTo(396);
        assertThat(out.metrics().cacheReadTokens()).isEqualTo(40);
        assertThat(out.metrics().reasoningTokens()).isEqualTo(6);
        assertThat(out.memberResponses().get(0).metrics().totalTokens()).isEqualTo(55);

        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(5).allSatisfy(r -> assertThat(r.isStream()).isFalse());
        List<RecordedRequest> leaderCalls = requests.stream().filter(r -> r.hasTool("delegate_task_to_member"))
                .toList();
        assertThat(leaderCalls).hasSize(3);
        assertThat(leaderCalls.get(0).systemPrompt()).contains("researcher", "writer",
                "First, have the researcher gather key facts.");
        assertThat(leaderCalls.get(0).lastUserMessage()).hasValue(QUESTION);
        assertThat(leaderCalls.get(1).toolResults()).containsExactly(FACTS);
        assertThat(leaderCalls.get(2).toolResults()).containsExactly(FACTS, SUMMARY);
        assertThat(requests).filteredOn(r -> !r.hasTool("delegate_task_to_member")
                && r.systemPrompt().contains("Research topics")).singleElement()
                .satisfies(r -> assertThat(r.lastUserMessage()).hasValue("Gather the key facts."));
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void runsCarryTheirLastResponsesIdAndTheirTokensPerModelAsAgnoNamesThem(Models kind) {
        scriptTheSeedConversation();
        Model model = kind.against(server);

        TeamRunOutput out = seedTeam(model, model).run(QUESTION);

        List<RunResult> runs = new ArrayList<>(out.memberResponses());
        runs.add(out);
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.modelProviderData()).containsOnlyKeys(kind.providerDataKeys());
            assertThat(run.modelProviderData().get(kind.responseIdKey())).startsWith(kind.responseIdPrefix());
            assertThat(run.metrics().details()).containsOnlyKeys("model");
            assertThat(run.metrics().details().get("model")).singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(kind.id());
                assertThat(m.provider()).isEqualTo(kind.metricsProvider());
                assertThat(m.totalTokens()).isEqualTo(run.metrics().totalTokens());
            });
        });
        assertThat(out.modelProviderData()).as("each run its own responses")
                .isNotEqualTo(out.memberResponses().getFirst().modelProviderData());
        assertThat(out.metrics().details().get("model").getFirst().cacheReadTokens()).isEqualTo(40);
        assertThat(out.metrics().details().get("model").getFirst().reasoningTokens()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void cancellingWhileAMemberStreamsKeepsWhatItStreamedAsTheTeamsPartialAnswer(Models kind) throws Exception {
        server.dispatcher(request -> request.hasTool("delegate_task_to_member")
                ? Reply.toolCalls(delegate("researcher", "Gather the key facts."))
                : Reply.text("The first law says energy is conserved.").chunkDelay(SCRIPTED));
        Model model = kind.against(server);
        Team team = seedTeam(model, model);
        RunStream stream = team.stream(QUESTION);
        List<RunEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch memberToken = new CountDownLatch(1);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            for (RunEvent e : stream) {
                events.add(e);
                if (e instanceof dev.cadre.event.RunContent) {
                    memberToken.countDown();
                }
            }
        }, command -> Thread.ofVirtual().start(command));
        assertThat(memberToken.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        team.cancelRun(stream.runId());

        reader.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        stream.close();
        assertThat(events.getLast()).isInstanceOfSatisfying(TeamRunCancelled.class, c -> {
            assertThat(c.content()).isEqualTo("The");
            assertThat(c.reason()).isEqualTo("Run " + stream.runId() + " was cancelled");
        });
        assertThat(events).filteredOn(e -> e instanceof dev.cadre.event.RunCancelled).singleElement()
                .satisfies(e -> assertThat(((dev.cadre.event.RunCancelled) e).content()).isEqualTo("The"));
        TeamRunOutput out = (TeamRunOutput) stream.result();
        assertThat(out.content()).isEqualTo("The");
        assertThat(out.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(m.content()).isEqualTo("The");
            assertThat(m.modelProviderData().get(kind.responseIdKey())).startsWith(kind.responseIdPrefix());
        });
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aLeaderTurnWithTwoDelegationsRunsBothMembersAtOnce(Models kind) {
        // Rules instead of a queue: the two members call the server concurrently, in no fixed order.
        server.when(r -> r.hasTool("delegate_task_to_member") && !r.isAfterToolResult(),
                Reply.toolCalls(delegate("researcher", "Gather the key facts."), delegate("writer", "Draft a summary.")));
        server.when(r -> r.hasTool("delegate_task_to_member") && r.toolResults().size() == 2, Reply.text(ANSWER));
        server.when(r -> !r.hasTool("delegate_task_to_member") && r.systemPrompt().contains("Research topics"),
                Reply.text(FACTS));
        server.when(r -> !r.hasTool("delegate_task_to_member") && r.systemPrompt().contains("Write clear"),
                Reply.text(SUMMARY));
        Model model = kind.against(server);

        TeamRunOutput out = seedTeam(model, model).run(QUESTION);

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo(ANSWER);
        assertThat(out.tools()).hasSize(2);
        assertThat(out.memberResponses()).extracting(RunResult::componentId)
                .containsExactlyInAnyOrder("researcher", "writer");
        assertThat(server.requests()).hasSize(4);
        assertThat(server.requests().get(3).toolResults()).containsExactlyInAnyOrder(FACTS, SUMMARY);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aStreamedTeamRunForwardsMemberEventsAndEndsWithItsMetrics(Models kind) {
        scriptTheSeedConversation();
        Model model = kind.against(server);
        List<RunEvent> events = new ArrayList<>();

        try (RunStream stream = seedTeam(model, model).stream(QUESTION)) {
            stream.forEach(events::add);
        }

        assertThat(events).extracting(RunEvent::event).containsSubsequence(
                "TeamRunStarted", "TeamToolCallStarted", "RunStarted", "RunContent", "RunCompleted",
                "TeamToolCallCompleted", "TeamToolCallStarted", "RunStarted", "RunContent", "RunCompleted",
                "TeamToolCallCompleted", "TeamRunContent", "TeamRunCompleted");
        String teamText = String.join("", events.stream().filter(e -> e instanceof TeamRunContent)
                .map(e -> ((ContentEvent) e).content()).toList());
        assertThat(teamText).isEqualTo(ANSWER);
        assertThat(events.getLast()).isInstanceOfSatisfying(TeamRunCompleted.class, c -> {
            assertThat(c.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(c.content()).isEqualTo(ANSWER);
            assertThat(c.metrics().totalTokens()).isEqualTo(396);
            assertThat(c.metrics().timeToFirstToken()).isPresent();
        });
        assertThat(server.requests()).hasSize(5).allSatisfy(r -> assertThat(r.isStream()).isTrue());
    }

    /** The server saw the client close the connection after the cancel, long before the reply's next step. */
    private static void assertClosedByTheCancel(RecordedRequest request, long cancelledAt) {
        assertThat(request.awaitDisconnect(WELL_WITHIN_THE_SCRIPT))
                .as("the fake server saw the client close well before its reply's next step, %d s away",
                        SCRIPTED.toSeconds())
                .isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).as("closed after cancelRun, not before")
                .isGreaterThanOrEqualTo(cancelledAt);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void cancellingASlowlyStreamingTeamRunClosesTheConnectionAtOnceAndKeepsThePartialAnswer(Models kind)
            throws Exception {
        server.enqueue(Reply.text("The first law says energy is conserved and the second says entropy grows.")
                .chunkDelay(SCRIPTED));
        Model model = kind.against(server);
        Team team = seedTeam(model, model);
        List<RunEvent> events = new ArrayList<>();
        CountDownLatch firstToken = new CountDownLatch(1);
        RunStream stream = team.stream(QUESTION);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            for (RunEvent e : stream) {
                events.add(e);
                if (e instanceof TeamRunContent) {
                    firstToken.countDown();
                }
            }
        }, command -> Thread.ofVirtual().start(command));
        assertThat(firstToken.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        long cancelledAt = System.nanoTime();
        CancelResult result = team.cancelRun(stream.runId());

        RecordedRequest request = server.takeRequest(WAIT);
        assertClosedByTheCancel(request, cancelledAt);
        reader.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        stream.close();
        assertThat(result.outcome()).isEqualTo(CancelResult.Outcome.CANCELLED);
        assertThat(events.getLast()).isInstanceOfSatisfying(TeamRunCancelled.class, c -> {
            assertThat(c.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(c.content()).isEqualTo("The");
        });
        assertThat(stream.result().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stream.result().content()).isEqualTo("The");
        assertThat(server.requestCount()).as("nothing retried after the cancel").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void cancellingANonStreamedTeamRunAbortsTheRequestInFlight(Models kind) throws Exception {
        server.enqueue(Reply.text("A whole answer that takes long to compute.").firstTokenDelay(SCRIPTED));
        Model model = kind.against(server);
        Team team = seedTeam(model, model);
        String runId = UUID.randomUUID().toString();
        CompletableFuture<TeamRunOutput> run = team.runAsync(RunRequest.builder(QUESTION).runId(runId).build());
        RecordedRequest request = server.takeRequest(WAIT);

        long cancelledAt = System.nanoTime();
        team.cancelRun(runId);

        assertClosedByTheCancel(request, cancelledAt);
        TeamRunOutput out = run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aModelErrorEndsTheTeamRunAsErrorWithAnActionableMessage(Models kind) {
        server.enqueue(Reply.unauthorized());
        Model model = kind.against(server);

        TeamRunOutput out = seedTeam(model, model).run(QUESTION);

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        assertThat(out.error()).hasValueSatisfying(e -> {
            assertThat(e.message()).contains("HTTP 401").contains("OPENAI_API_KEY");
            assertThat(e.type()).isEqualTo("authentication_error");
        });
    }
}
