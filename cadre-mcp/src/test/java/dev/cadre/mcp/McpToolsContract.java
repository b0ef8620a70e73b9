package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.Agent;
import dev.cadre.model.AbortSignal;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.Run;
import dev.cadre.run.RunContext;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.ToolExecution;
import dev.cadre.testkit.FakeMcpEvents;
import dev.cadre.testkit.FakeMcpEvents.Kind;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.Tool;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What McpTools promises over either transport, against a real MCP server (FakeMcpServer). */
abstract class McpToolsContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);

    final FakeOpenAIServer openai = FakeOpenAIServer.start();

    /** A builder for the fake server over this contract's transport. */
    abstract McpTools.Builder server();

    /** What the fake server saw. */
    abstract FakeMcpEvents events();

    @AfterEach
    void stopOpenAI() {
        openai.close();
    }

    static RunContext context() {
        return new RunContext("run-1", "session-1", Optional.empty(), Optional.empty(), "agent", AbortSignal.never());
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    static Tool tool(McpTools mcp, String name) {
        return mcp.tools().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    Agent agent(McpTools mcp) {
        return Agent.builder().name("Calculator")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .tools(mcp.tools()).build();
    }

    @Test
    void listsTheServersToolsWithTheirDescriptionsAndInputSchemas() throws Exception {
        try (McpTools mcp = server().build()) {
            assertThat(mcp.tools()).extracting(Tool::name)
                    .containsExactly("add", "slow", "fail", "die", "env", "cwd", "picture");
            var add = tool(mcp, "add").definition();
            assertThat(add.description()).isEqualTo("Adds two numbers");
            assertThat(add.parameters()).isEqualTo(json("""
                    {"type":"object","properties":{"a":{"type":"number","description":"The first number"},
                    "b":{"type":"number","description":"The second number"}},"required":["a","b"]}"""));
        }
    }

    @Test
    void aCallReturnsTheTextOfTheResult() throws Exception {
        try (McpTools mcp = server().build()) {
            assertThat(tool(mcp, "add").call(json("{\"a\":2,\"b\":3}"), context())).isEqualTo("5");
        }
    }

    @Test
    void contentThatIsNotTextIsDescribed() throws Exception {
        try (McpTools mcp = server().build()) {
            assertThat(tool(mcp, "picture").call(json("{}"), context()))
                    .isEqualTo("a red dot\n[image: image/png, 8 bytes]");
        }
    }

    @Test
    void aResultMarkedAsErrorIsThrownWithItsText() throws Exception {
        try (McpTools mcp = server().build()) {
            assertThatThrownBy(() -> tool(mcp, "fail").call(json("{}"), context()))
                    .isInstanceOf(McpException.class).hasMessage("the fail tool always fails");
        }
    }

    @Test
    void thePrefixNamesTheToolsAndTheFiltersChooseThem() {
        try (McpTools mcp = server().prefix("calc_").include("add", "fail").exclude("fail").build()) {
            assertThat(mcp.tools()).extracting(Tool::name).containsExactly("calc_add");
        }
    }

    @Test
    void aFilterNamingAToolTheServerLacksIsAClearError() {
        assertThatThrownBy(() -> server().include("add", "multiply").build())
                .isInstanceOf(McpException.class)
                .hasMessageContaining("has no tool named multiply")
                .hasMessageContaining("its tools are: add, slow, fail");
    }

    @Test
    void anAgentCallsAnMcpToolAndTheModelReadsItsResult() {
        openai.enqueue(Reply.toolCall("add", "{\"a\":2,\"b\":3}"));
        openai.enqueue(Reply.text("2 + 3 = 5"));
        try (McpTools mcp = server().build()) {
            RunOutput out = agent(mcp).run("What is 2 + 3?");

            assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(out.content()).isEqualTo("2 + 3 = 5");
            assertThat(out.tools()).singleElement().satisfies(t -> {
                assertThat(t.toolName()).isEqualTo("add");
                assertThat(t.result()).hasValue("5");
                assertThat(t.failed()).isFalse();
            });
            openai.takeRequest(WAIT);
            RecordedRequest second = openai.takeRequest(WAIT);
            assertThat(second.toolResults()).containsExactly("5");
        }
    }

    @Test
    void theModelReadsAToolErrorAndTheRunGoesOn() {
        openai.enqueue(Reply.toolCall("fail", "{}"));
        openai.enqueue(Reply.text("It failed."));
        try (McpTools mcp = server().build()) {
            RunOutput out = agent(mcp).run("Try it");

            assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(out.tools()).singleElement().satisfies(t -> {
                assertThat(t.failed()).isTrue();
                assertThat(t.result()).hasValueSatisfying(r -> assertThat(r).contains("the fail tool always fails"));
            });
        }
    }

    @Test
    void aCancelDuringACallTellsTheServerAndEndsTheRunWithoutWaitingForIt() throws Exception {
        openai.enqueue(Reply.toolCall("slow", "{\"ignore_cancel\":true}"));
        try (McpTools mcp = server().build()) {
            Run<RunOutput> run = agent(mcp).start("Take your time");
            String slowRequest = events().await(Kind.SLOW_STARTED);

            run.cancel();
            RunOutput out = run.await();

            assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(events().await(Kind.CANCELLED)).isEqualTo(slowRequest);
            // The server ignores this cancel: its call still runs, so the run did not wait for it.
            assertThat(events().requestIds(Kind.SLOW_ENDED)).isEmpty();
        }
    }

    @Test
    void aServerThatHonoursTheCancelStopsItsCall() throws Exception {
        openai.enqueue(Reply.toolCall("slow", "{}"));
        try (McpTools mcp = server().build()) {
            Run<RunOutput> run = agent(mcp).start("Take your time");
            String slowRequest = events().await(Kind.SLOW_STARTED);

            run.cancel();

            assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(events().await(Kind.SLOW_ENDED)).isEqualTo(slowRequest);
        }
    }

    @Test
    void aServerThatDiesDuringACallGivesTheModelAnErrorAndTheRunCompletes() throws Exception {
        openai.enqueue(Reply.toolCall("die", "{}"));
        openai.enqueue(Reply.text("The server is gone."));
        try (McpTools mcp = server().build()) {
            RunOutput out = agent(mcp).run("Break it");

            assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(out.content()).isEqualTo("The server is gone.");
            ToolExecution die = out.tools().getFirst();
            assertThat(die.failed()).isTrue();
            // The model and the run's output see the server's own name, not its command line or URL.
            assertThat(die.result()).hasValueSatisfying(r -> assertThat(r).contains(diedDuringTheCall())
                    .doesNotContain(mcp.server()));
            openai.takeRequest(WAIT);
            assertThat(openai.takeRequest(WAIT).toolResults()).singleElement()
                    .satisfies(r -> assertThat(r).contains(diedDuringTheCall()));
            assertThatThrownBy(() -> tool(mcp, "add").call(json("{\"a\":1,\"b\":1}"), context()))
                    .isInstanceOf(McpException.class).hasMessageContaining(goneAfterwards());
        }
    }

    /** What the tool's error says when the server dies during the call. */
    abstract String diedDuringTheCall();

    /** What a later call's error says. */
    abstract String goneAfterwards();
}
