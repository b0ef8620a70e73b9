package dev.cadre.examples;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.TeamToolCallCompleted;
import dev.cadre.event.TeamToolCallStarted;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.InMemoryDb;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A tour of a team run: blocking, streamed, in the background with polling, and cancelled from
 * another thread while it streams. Runs offline: the models are {@link ScriptedModel}s that answer
 * from a script, paced like a real model.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Cadre quick start — offline: the models are scripted stand-ins, no API key needed.\n");
        InMemoryDb db = new InMemoryDb();

        Team team = researchTeam(db);
        System.out.println("== 1. A blocking team run ==");
        TeamRunOutput out = team.run("What are the three laws of thermodynamics?");
        System.out.println("status:  " + out.status());
        System.out.println("members: " + out.memberResponses().stream().map(RunResult::componentName).toList());
        System.out.println("answer:  " + out.content());

        System.out.println("\n== 2. The same, streamed ==");
        try (RunStream events = researchTeam(db).stream("What are the three laws of thermodynamics?")) {
            for (RunEvent e : events) {
                switch (e) {
                    case TeamToolCallStarted t -> System.out.println("\n[leader delegates: "
                            + t.tool().toolArgs().path("member_id").asText() + "]");
                    case TeamToolCallCompleted t -> System.out.println();
                    case RunContent c -> System.out.print(c.content());
                    case TeamRunContent c -> System.out.print(c.content());
                    default -> { }
                }
            }
            System.out.println();
        }

        System.out.println("\n== 3. In the background, polled ==");
        Team bg = researchTeam(db);
        TeamRunOutput pending = bg.runInBackground("What are the three laws of thermodynamics?");
        System.out.println("run " + pending.runId() + " → " + pending.status());
        while (true) {
            TeamRunOutput polled = bg.getRunOutput(pending.runId(), pending.sessionId()).orElseThrow();
            System.out.println("  polled: " + polled.status());
            if (polled.status().isTerminal()) {
                System.out.println("answer: " + polled.content());
                break;
            }
            bg.runManager().awaitRun(pending.runId(), Duration.ofMillis(150));
        }

        System.out.println("\n== 4. A streamed run cancelled from another thread ==");
        Team storytellers = storyTeam(db);
        try (RunStream events = storytellers.stream("Write a very long story about a dragon who learns to code.")) {
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                sleep(Duration.ofMillis(600));
                CancelResult r = storytellers.cancelRun(events.runId());
                System.out.println("\n[cancel from another thread: " + r.outcome() + "]");
            }, task -> Thread.ofPlatform().name("CancelThread").start(task));
            for (RunEvent e : events) {
                switch (e) {
                    case RunContent c -> System.out.print(c.content());
                    case RunCancelled c -> System.out.println("[member run cancelled: " + c.agentName() + "]");
                    case TeamRunCancelled c -> System.out.println("[team run cancelled, status " + c.status() + "]");
                    default -> { }
                }
            }
            canceller.join();
            RunResult result = events.result();
            System.out.println("final status in the db: " + db.getRun(result.runId()).orElseThrow().status());
        }
    }

    static Team researchTeam(InMemoryDb db) {
        Agent researcher = Agent.builder().name("Researcher")
                .role("Research topics and provide factual information.")
                .model(ScriptedModel.replying(req -> Reply.text(
                        "Zeroth: equilibrium is transitive. ", "First: energy is conserved. ",
                        "Second: entropy never decreases. ", "Third: absolute zero is unreachable. ")
                        .pacedAt(Duration.ofMillis(30))))
                .build();
        Agent writer = Agent.builder().name("Writer").role("Write clear and concise summaries.")
                .model(ScriptedModel.replying(req -> Reply.text("Energy is conserved, ", "entropy grows, ",
                        "and absolute zero stays out of reach.").pacedAt(Duration.ofMillis(30))))
                .build();
        ScriptedModel leader = ScriptedModel.replying(req -> {
            long delegations = req.messages().stream().filter(m -> m.role() == dev.cadre.model.Role.TOOL).count();
            return switch ((int) delegations) {
                case 0 -> Reply.toolCall("delegate_task_to_member",
                        "{\"member_id\":\"researcher\",\"task\":\"Gather the key facts of each law.\"}");
                case 1 -> Reply.toolCall("delegate_task_to_member",
                        "{\"member_id\":\"writer\",\"task\":\"Summarise each law in one sentence.\"}");
                default -> Reply.text("In short: ", "energy is conserved, entropy grows, ",
                        "and absolute zero stays out of reach.").pacedAt(Duration.ofMillis(30));
            };
        });
        return Team.builder().name("ResearchTeam").model(leader).members(researcher, writer)
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .db(db).build();
    }

    static Team storyTeam(InMemoryDb db) {
        String[] story = ("Once upon a time, in a cave above the valley, lived a dragon named Ember who wanted to "
                + "learn to code. Every night she read the manuals the villagers left behind, and every morning "
                + "she tried again ").split("(?<= )");
        Agent storyteller = Agent.builder().name("StorytellerAgent").description("An agent that writes creative stories")
                .model(ScriptedModel.replying(req -> Reply.text(story).pacedAt(Duration.ofMillis(40)).thenBlock()))
                .build();
        Agent editor = Agent.builder().name("EditorAgent").description("An agent that reviews and improves stories")
                .model(ScriptedModel.replying(req -> Reply.text("Edited.")))
                .build();
        ScriptedModel leader = ScriptedModel.replying(req -> Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"storytelleragent\",\"task\":\"Write a long story about a dragon who learns to code.\"}"));
        return Team.builder().name("Storytelling Team").description("A team that collaborates to write detailed stories")
                .model(leader).members(storyteller, editor).db(db).build();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
