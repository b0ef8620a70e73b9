package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A team whose leader runs on Claude and whose member runs on OpenAI, each against its own fake server. */
class MixedProviderTeamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FACTS = "Energy is conserved. Entropy grows.";
    private static final String ANSWER = "In short: energy stays, disorder grows.";

    private final FakeAnthropicServer anthropic = FakeAnthropicServer.start();
    private final FakeOpenAIServer openai = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        anthropic.close();
        openai.close();
    }

    @Test
    void aClaudeLeaderDelegatesToAnOpenAIMemberAndAnswersFromItsResult() {
        anthropic.enqueue(
                Reply.toolCalls(FakeToolCall.of("delegate_task_to_member",
                        "{\"member_id\":\"researcher\",\"task\":\"Gather the key facts.\"}"))
                        .usage(FakeUsage.of(100, 10)),
                Reply.text(ANSWER).usage(FakeUsage.of(130, 12)));
        openai.enqueue(Reply.text(FACTS).usage(FakeUsage.of(50, 5)));
        Agent researcher = Agent.builder().name("Researcher")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .role("Research topics and provide factual information.").build();
        Team team = Team.builder().name("ResearchTeam").model(Requests.model(anthropic).build())
                .members(researcher).instructions("Have the researcher gather the key facts first.").build();

        TeamRunOutput out = team.run("What are the laws of thermodynamics?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo(ANSWER);
        assertThat(out.modelProvider()).hasValue("Anthropic");
        assertThat(out.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.content()).isEqualTo(FACTS);
            assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(m.componentId()).isEqualTo("researcher");
        });
        assertThat(out.memberResponses()).extracting(RunResult::componentId).containsExactly("researcher");
        assertThat(out.metrics().totalTokens()).as("the leader's own calls").isEqualTo(110 + 142);
        assertThat(out.memberResponses().getFirst().metrics().totalTokens()).isEqualTo(55);
        assertThat(out.memberResponses().getFirst().modelProvider()).hasValue("OpenAI");
        RecordedRequest leaderFirst = anthropic.takeRequest(WAIT);
        assertThat(leaderFirst.hasTool("delegate_task_to_member")).isTrue();
        assertThat(leaderFirst.systemPrompt()).contains("researcher");
        assertThat(openai.takeRequest(WAIT).lastUserMessage()).hasValue("Gather the key facts.");
        assertThat(anthropic.takeRequest(WAIT).toolResults()).singleElement()
                .satisfies(r -> assertThat(r).contains(FACTS));
    }
}
