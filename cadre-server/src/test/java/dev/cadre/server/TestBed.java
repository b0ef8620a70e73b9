package dev.cadre.server;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A started server with one agent ({@code echo}, Chat Completions) and one team ({@code crew},
 * Responses API, members {@code writer} and {@code checker}), all on the fake OpenAI server.
 *
 * <p>What the model answers is decided by markers in the user's message, so that tests running
 * side by side do not disturb each other: {@code [stall]} never answers, {@code [hang]} answers its first word at once and the
 * next a minute later (a stream still going whenever the test acts), {@code [slow]} answers a
 * word every 100 ms ({@code [slower]} every 400 ms), {@code [fail]} is refused with a 400, {@code [delegate]} makes the team leader
 * hand a stalling task to the writer, {@code [team]} hand it the message (the writer echoes it, the leader then
 * echoes the writer's answer), {@code [json]} answer with the text after it as written; anything else is echoed.
 */
final class TestBed implements AutoCloseable {

    final FakeOpenAIServer openai;
    final Db store;
    final RunManager runManager = RunManager.builder().build();
    final Agent echo;
    final Team crew;
    final CadreServer server;
    final Http http;

    TestBed() {
        this(b -> {
        });
    }

    TestBed(Consumer<CadreServer.Builder> settings) {
        this(new InMemoryDb(), settings);
    }

    TestBed(Db store, Consumer<CadreServer.Builder> settings) {
        this.store = store;
        openai = FakeOpenAIServer.start();
        openai.dispatcher(TestBed::reply);
        echo = Agent.builder().id("echo").name("Echo").description("An agent that echoes.").role("Repeats what it is told.")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .db(store).runManager(runManager).build();
        Agent writer = Agent.builder().id("writer").name("Writer").role("Writes.")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .runManager(runManager).build();
        Agent checker = Agent.builder().id("checker").name("Checker").role("Checks.")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .runManager(runManager).build();
        crew = Team.builder().id("crew").name("Crew")
                .model(OpenAIResponses.builder().id("gpt-5.2-mini").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .members(writer, checker).instructions("Delegate when asked to.")
                .db(store).runManager(runManager).build();
        CadreServer.Builder b = CadreServer.builder().agents(echo).teams(crew).db(store).runManager(runManager)
                .port(0).heartbeat(Duration.ofMillis(100));
        settings.accept(b);
        server = b.build().start();
        http = new Http(server.baseUrl());
    }

    static Reply reply(RecordedRequest r) {
        String msg = r.lastUserMessage().orElse("");
        if (msg.contains("[delegate]") && r.hasTool("delegate_task_to_member") && !r.isAfterToolResult()) {
            return Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"[stall] write it\"}");
        }
        if (msg.contains("[team]") && r.hasTool("delegate_task_to_member") && !r.isAfterToolResult()) {
            String task = "Handle part 1: " + msg.replace("\"", "'").replace("[team]", "");
            return Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"" + task + "\"}");
        }
        if (msg.contains("[stall]")) {
            return Reply.stall();
        }
        if (msg.contains("[half]")) {
            return Reply.textChunks("the first ", "law", " states").stallAfter(2); // half an answer, then it hangs
        }
        if (msg.contains("[hang]")) {
            return Reply.text("the first law states").chunkDelay(Duration.ofMinutes(1));
        }
        if (msg.contains("[slower]")) {
            return Reply.text("one two three four five six seven eight nine ten").chunkDelay(Duration.ofMillis(400));
        }
        if (msg.contains("[slow]")) {
            return Reply.text("one two three four five six seven eight nine ten").chunkDelay(Duration.ofMillis(100));
        }
        if (msg.contains("[json]")) {
            return Reply.text(msg.substring(msg.indexOf("[json]") + "[json]".length())); // the answer, as written
        }
        if (msg.contains("[fail]")) {
            return Reply.error(400, "invalid_request_error", "bad_request", "The model refused the request");
        }
        return Reply.text("Echo: " + msg.replace("\"", "'"));
    }

    /** A client of this server that sends {@code Authorization: Bearer <token>} (a security key or a JWT). */
    Http as(String token) {
        return new Http(server.baseUrl()).header("Authorization", "Bearer " + token);
    }

    /** Waits for the model call whose last user message contains {@code text}. */
    RecordedRequest awaitModelCall(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (RecordedRequest r : openai.requests()) {
                if (r.lastUserMessage().orElse("").contains(text)) {
                    return r;
                }
            }
            try {
                openai.awaitRequests(openai.requestCount() + 1, Duration.ofMillis(200)); // wakes up when one arrives
            } catch (AssertionError none) {
                // none arrived yet; look again
            }
        }
        throw new AssertionError("No model call with '" + text + "' within 10 s");
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
        openai.close();
        store.close();
    }
}
