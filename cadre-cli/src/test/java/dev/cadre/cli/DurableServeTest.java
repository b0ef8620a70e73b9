package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cadre serve} in durable mode ({@code execution: {mode: durable}}), as a fleet of real processes on one
 * PostgreSQL: a run survives the process executing it, its events are followed from any process, a cancel through
 * any process stops it where it executes, and a deploy (SIGTERM) hands runs over instead of cancelling them.
 */
class DurableServeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEAM = "/teams/research-team/runs";
    private static final Predicate<RecordedRequest> LEADER = r -> r.hasTool("delegate_task_to_member");
    private static final Predicate<RecordedRequest> RESEARCHER = member("Finds facts");
    private static final Predicate<RecordedRequest> WRITER = member("Writes summaries");

    @TempDir
    Path dir;
    private FakeOpenAIServer fake;
    private ServeFleet fleet;

    @RegisterExtension
    final Cli cli = new Cli();

    @BeforeEach
    void startTheFake() {
        fake = FakeOpenAIServer.start();
    }

    @AfterEach
    void stopTheFleet() {
        if (fleet != null) {
            fleet.close();
        }
        fake.close();
    }

    private static Predicate<RecordedRequest> member(String role) {
        return r -> !r.hasTool("delegate_task_to_member") && r.systemPrompt().contains(role);
    }

    private static Predicate<RecordedRequest> leader(String message, int toolResults) {
        return LEADER.and(r -> r.toolResults().size() == toolResults)
                .and(r -> r.messages().stream().anyMatch(m -> m.role().equals("user") && message.equals(m.content())));
    }

    private static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(i == 0 ? "" : "&").append(pairs[i]).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    /** The run as {@code node} serves it, once its status is terminal (the db is read until it says so). */
    private static JsonNode awaitEnd(ServeFleet.Node node, String runId) throws Exception {
        long deadline = System.nanoTime() + ServeFleet.WAIT.toNanos();
        while (true) {
            JsonNode run = json(node.get(TEAM + "/" + runId).body());
            String status = run.path("status").asText();
            if (List.of("COMPLETED", "CANCELLED", "ERROR").contains(status)) {
                return run;
            }
            assertThat(System.nanoTime()).as("run %s never ended; it is %s", runId, status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The run's row in the runs dashboard's listing, as {@code node} answers it. */
    private static JsonNode dashboardRow(ServeFleet.Node node, String runId) throws Exception {
        for (JsonNode row : json(node.get("/ui/api/runs?limit=1000").body()).path("data")) {
            if (row.path("run_id").asText().equals(runId)) {
                return row;
            }
        }
        throw new AssertionError("run " + runId + " is not in the dashboard's listing of " + node.instanceId);
    }

    private ServeFleet.Node owner(List<ServeFleet.Node> nodes, ServeFleet.Node asking, String runId) throws Exception {
        String id = json(asking.get(TEAM + "/" + runId).body()).path("instance_id").asText();
        return nodes.stream().filter(n -> n.instanceId.equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node is '" + id + "'"));
    }

    @Test
    void aBackgroundTeamRunKilledWithItsNodeResumesOnAnotherAndIsFollowedLiveFromAThird() throws Exception {
        String message = "Explain entropy";
        fake.when(leader(message, 0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"researcher\",\"task\":\"Gather facts\"}"));
        fake.when(leader(message, 1), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Summarise them\"}"));
        fake.when(leader(message, 2), Reply.text("Summary: entropy grows."));
        fake.when(RESEARCHER, Reply.text("Fact 1. Fact 2."));
        fake.when(WRITER, Reply.stall(), Reply.text("A concise summary."));
        fleet = new ServeFleet(dir, fake.baseUrl());
        List<ServeFleet.Node> nodes = List.of(fleet.start("node-a"), fleet.start("node-b"), fleet.start("node-c"));
        for (ServeFleet.Node n : nodes) {
            JsonNode health = json(n.get("/health").body());
            assertThat(health.path("instance_id").asText()).isEqualTo(n.instanceId);
            assertThat(health.path("execution").asText()).isEqualTo("durable");
        }

        var accepted = nodes.get(0).post(TEAM, form("message", message, "stream", "false", "background", "true"));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String runId = json(accepted.body()).path("run_id").asText();
        RecordedRequest stalled = fake.awaitRequest(WRITER, 1, ServeFleet.WAIT);
        ServeFleet.Node executing = owner(nodes, nodes.get(2), runId);
        ServeFleet.Node reader = nodes.stream().filter(n -> n != executing).findFirst().orElseThrow();
        // The runs dashboard of any process names the one executing the run; only that one has its live state.
        assertThat(dashboardRow(reader, runId).path("instance_id").asText()).isEqualTo(executing.instanceId);
        assertThat(json(reader.get("/ui/api/runs/" + runId + "/live").body()).path("executing_here").asBoolean())
                .isFalse();
        assertThat(json(executing.get("/ui/api/runs/" + runId + "/live").body()).path("executing_here").asBoolean())
                .isTrue();
        LinkedBlockingQueue<JsonNode> followed = new LinkedBlockingQueue<>();
        reader.stream(TEAM + "/" + runId + "/resume", "", line -> {
            try {
                followed.add(json(line));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        // Caught up with what the executing process streamed so far: the researcher's answer is in.
        awaitEvent(followed, seen, e -> e.path("event").asText().equals("RunCompleted")
                && e.path("agent_id").asText().equals("researcher"));

        executing.kill();

        assertThat(stalled.awaitDisconnect(ServeFleet.WAIT)).as("the killed process's model connection").isTrue();
        awaitEvent(followed, seen, e -> e.path("event").asText().equals("TeamRunCompleted"));
        assertThat(seen.get(0).path("event").asText()).isEqualTo("catch_up");
        JsonNode continued = seen.stream().filter(e -> e.path("event").asText().equals("TeamRunContinued"))
                .findFirst().orElseThrow(() -> new AssertionError("no TeamRunContinued in " + seen));
        assertThat(continued.path("resumed_from").asText()).isEqualTo(executing.instanceId);
        assertThat(seen.stream().filter(e -> e.path("event").asText().equals("TeamRunStarted"))).hasSize(1);
        assertThat(seen.getLast().path("content").asText()).isEqualTo("Summary: entropy grows.");

        JsonNode end = awaitEnd(reader, runId);
        assertThat(end.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(end.path("content").asText()).isEqualTo("Summary: entropy grows.");
        assertThat(end.path("instance_id").asText()).isEqualTo(continued.path("instance_id").asText())
                .isNotEqualTo(executing.instanceId);
        assertThat(dashboardRow(reader, runId).path("instance_id").asText()).as("the dashboard after the resume")
                .isEqualTo(end.path("instance_id").asText());
        assertThat(fake.requests().stream().filter(leader(message, 0))).as("the leader's first delegation").hasSize(1);
        assertThat(fake.requests().stream().filter(leader(message, 1))).as("its second").hasSize(1);
        assertThat(fake.requests().stream().filter(RESEARCHER)).as("the member that answered").hasSize(1);
        assertThat(fake.requests().stream().filter(WRITER)).as("the member under way, asked again").hasSize(2);
    }

    @Test
    void aCancelThroughAnyProcessStopsTheRunWhereItExecutesAndADeployHandsRunsOverInsteadOfCancelling()
            throws Exception {
        fake.when(leader("First", 0), Reply.stall());
        fake.when(leader("Second", 0), Reply.stall());
        fake.when(leader("Survive a deploy", 0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"researcher\",\"task\":\"Gather facts\"}"));
        fake.when(leader("Survive a deploy", 1), Reply.text("Done after the deploy."));
        fake.when(RESEARCHER, Reply.stall(), Reply.text("Facts."));
        fake.when(leader("Blocking", 0), Reply.text("A blocking answer."));
        fake.when(leader("Resumable", 0), Reply.text("A resumable answer."));
        // One background run at a time per process: two runs fill the fleet, a third waits in the queue.
        fleet = new ServeFleet(dir, fake.baseUrl(), 1);
        List<ServeFleet.Node> nodes = List.of(fleet.start("node-a"), fleet.start("node-b"));
        ServeFleet.Node a = nodes.get(0);
        String first = background(a, "First");
        RecordedRequest firstAsked = fake.awaitRequest(leader("First", 0), 1, ServeFleet.WAIT);
        String second = background(a, "Second");
        RecordedRequest secondAsked = fake.awaitRequest(leader("Second", 0), 1, ServeFleet.WAIT);
        String queued = background(a, "Queued");
        assertThat(json(a.get(TEAM + "/" + queued).body()).path("status").asText()).isEqualTo("PENDING");

        // A queued run, cancelled through the process that did not accept it: it never reaches the model.
        assertThat(nodes.get(1).post(TEAM + "/" + queued + "/cancel", "").statusCode()).isEqualTo(200);
        // A run executing on one process, cancelled through the other: its model connection closes there.
        ServeFleet.Node firstOwner = owner(nodes, a, first);
        ServeFleet.Node other = nodes.stream().filter(n -> n != firstOwner).findFirst().orElseThrow();
        assertThat(other.post(TEAM + "/" + first + "/cancel", "").statusCode()).isEqualTo(200);
        assertThat(firstAsked.awaitDisconnect(ServeFleet.WAIT)).as("first's model connection").isTrue();
        // And from the command line, straight through the db.
        assertThat(cli.cadre("runs", "cancel", second, "--db", fleet.dbUrl())).as(cli.err()).isZero();
        assertThat(secondAsked.awaitDisconnect(ServeFleet.WAIT)).as("second's model connection").isTrue();
        for (String id : List.of(first, second, queued)) {
            assertThat(awaitEnd(other, id).path("status").asText()).as(id).isEqualTo("CANCELLED");
        }
        assertThat(fake.requests().stream().filter(r -> r.rawBody().contains("Queued"))).isEmpty();

        // Blocking and resumable (background, streamed) runs, durable too, answer as in local mode.
        ServeFleet.Node b = nodes.get(1);
        var blocking = b.post(TEAM, form("message", "Blocking", "stream", "false"));
        assertThat(blocking.statusCode()).isEqualTo(200);
        assertThat(json(blocking.body()).path("content").asText()).isEqualTo("A blocking answer.");
        assertThat(json(blocking.body()).path("status").asText()).isEqualTo("COMPLETED");
        LinkedBlockingQueue<JsonNode> resumable = new LinkedBlockingQueue<>();
        b.stream(TEAM, form("message", "Resumable", "stream", "true", "background", "true"), line -> {
            try {
                resumable.add(json(line));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<JsonNode> resumed = new CopyOnWriteArrayList<>();
        awaitEvent(resumable, resumed, e -> e.path("event").asText().equals("TeamRunCompleted"));
        assertThat(resumed.getLast().path("content").asText()).isEqualTo("A resumable answer.");
        assertThat(resumed).extracting(e -> e.path("event_index").asInt()).as("indexed from 0, as AgentOS does")
                .startsWith(0, 1, 2);

        // A deploy: SIGTERM on the process streaming a foreground run. It is not cancelled: the other resumes it.
        LinkedBlockingQueue<JsonNode> streamed = new LinkedBlockingQueue<>();
        a.stream(TEAM, form("message", "Survive a deploy", "stream", "true"), line -> {
            try {
                streamed.add(json(line));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String survivor = streamed.poll(ServeFleet.WAIT.toSeconds(), TimeUnit.SECONDS).path("run_id").asText();
        RecordedRequest researching = fake.awaitRequest(RESEARCHER, 1, ServeFleet.WAIT);
        assertThat(a.terminate()).as("stopped by SIGTERM").isEqualTo(143);
        assertThat(researching.awaitDisconnect(ServeFleet.WAIT)).isTrue();
        JsonNode end = awaitEnd(nodes.get(1), survivor);
        assertThat(end.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(end.path("content").asText()).isEqualTo("Done after the deploy.");
        assertThat(end.path("instance_id").asText()).isEqualTo("node-b");
        assertThat(fake.requests().stream().filter(leader("Survive a deploy", 0))).as("its delegation").hasSize(1);
    }

    private static String background(ServeFleet.Node node, String message) throws Exception {
        var accepted = node.post(TEAM, form("message", message, "stream", "false", "background", "true"));
        assertThat(accepted.statusCode()).isEqualTo(202);
        return json(accepted.body()).path("run_id").asText();
    }

    /** Takes followed events until one {@code until} accepts. */
    private static void awaitEvent(LinkedBlockingQueue<JsonNode> followed, List<JsonNode> seen,
            Predicate<JsonNode> until) throws InterruptedException {
        while (true) {
            JsonNode e = followed.poll(ServeFleet.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(e).as("the followed stream stopped; it had " + seen).isNotNull();
            seen.add(e);
            if (until.test(e)) {
                return;
            }
        }
    }
}
