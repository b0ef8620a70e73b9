package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A team whose leader runs on Gemini and whose member runs on OpenAI, each against its own fake API. */
class MixedProvidersTeamTest {

    private static final String FACTS = "Energy is conserved. Entropy grows.";
    private static final String ANSWER = "In short: " + FACTS;

    private final FakeGeminiServer gemini = FakeGeminiServer.start();
    private final FakeOpenAIServer openai = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        gemini.close();
        openai.close();
    }

    @Test
    void aGeminiLeaderDelegatesToAnOpenAiMemberAndAnswersFromItsResult() {
        gemini.enqueue(Reply.toolCall("delegate_task_to_member",
                        "{\"member_id\":\"researcher\",\"task\":\"Gather the key facts.\"}").usage(100, 10),
                Reply.text(ANSWER).usage(new FakeUsage(140, 14, 0, 4)));
        openai.enqueue(Reply.text(FACTS).usage(50, 5));
        Agent researcher = Agent.builder().name("Researcher")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .role("Research topics and provide factual information.").build();
        Team team = Team.builder().name("ResearchTeam").model(Requests.model(gemini).build()).members(researcher)
                .instructions("Have the researcher gather key facts, then answer.").build();

        TeamRunOutput out = team.run("What are the laws of thermodynamics?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo(ANSWER);
        assertThat(out.modelProvider()).hasValue("Google");
        assertThat(out.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.componentId()).isEqualTo("researcher");
            assertThat(m.content()).isEqualTo(FACTS);
            assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
        });
        assertThat(out.memberResponses()).extracting(RunResult::modelProvider).containsExactly(
                java.util.Optional.of("OpenAI"));
        assertThat(out.metrics().totalTokens()).as("the leader's own calls").isEqualTo(110 + 154);
        assertThat(out.memberResponses().getFirst().metrics().totalTokens()).isEqualTo(55);
        RecordedRequest leaderAfterMember = gemini.requests().get(1);
        assertThat(leaderAfterMember.toolResults()).singleElement().asString().contains(FACTS);
        assertThat(openai.takeRequest(java.time.Duration.ofSeconds(5)).lastUserMessage())
                .hasValue("Gather the key facts.");
    }
}
