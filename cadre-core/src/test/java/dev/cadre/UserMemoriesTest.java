package dev.cadre;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.InMemoryDb;
import dev.cadre.event.MemoryUpdateCompleted;
import dev.cadre.event.MemoryUpdateStarted;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunContentCompleted;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamMemoryUpdateCompleted;
import dev.cadre.event.TeamMemoryUpdateStarted;
import dev.cadre.memory.MemoryStore;
import dev.cadre.memory.UserMemory;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.Role;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** User memories: a memory step after completed runs, and the user's memories in the next runs' prompts. */
class UserMemoriesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryDb db = new InMemoryDb();
    private final MemoryStore memories = db.memories().orElseThrow();

    private static RunRequest forAda(String input) {
        return RunRequest.builder(input).userId("ada").build();
    }

    private static boolean memoryStep(ModelRequest r) {
        return ScriptedModel.offersTool(r, "add_memory");
    }

    private static String system(ModelRequest r) {
        return r.messages().getFirst().role() == Role.SYSTEM ? r.messages().getFirst().content() : "";
    }

    @Test
    void a_completed_run_of_a_user_writes_what_the_memory_step_adds() {
        ScriptedModel model = ScriptedModel.of(Reply.text("Hello Ada!"),
                Reply.toolCall("add_memory", "{\"memory\":\"User's name is Ada\",\"topics\":[\"name\"]}"),
                Reply.text("done"));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true).build();

        RunOutput out = agent.run(forAda("My name is Ada"));

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("Hello Ada!");
        assertThat(memories.ofUser("ada")).singleElement().satisfies(m -> {
            assertThat(m.memory()).isEqualTo("User's name is Ada");
            assertThat(m.topics()).containsExactly("name");
            assertThat(m.agentId()).contains("helper");
            assertThat(m.teamId()).isEmpty();
            assertThat(m.input()).contains("My name is Ada");
        });
        ModelRequest step = model.requests().get(1);
        assertThat(step.tools()).extracting(t -> t.name()).containsExactly("add_memory", "update_memory",
                "delete_memory");
        assertThat(system(step)).contains("<memories_to_capture>").doesNotContain("<existing_memories>");
        assertThat(ScriptedModel.lastUserMessage(step)).isEqualTo("My name is Ada");
        assertThat(model.requests().get(2).messages().getLast().content()).isEqualTo("Memory added successfully");
    }

    @Test
    void the_next_run_sees_the_users_memories_in_its_prompt_as_agno_words_them() {
        memories.upsert(UserMemory.of("ada", "User's name is Ada", List.of("name")));
        memories.upsert(UserMemory.of("bob", "User's name is Bob", List.of("name")));
        ScriptedModel model = ScriptedModel.of(Reply.text("Hi Ada"));
        Agent agent = Agent.builder().name("Helper").instructions("Be brief.").model(model).db(db)
                .addMemoriesToContext(true).build();

        agent.run(forAda("Who am I?"));

        assertThat(system(model.requests().getFirst())).endsWith("""
                You have access to user info and preferences from previous interactions that you can use to \
                personalize your response:

                <memories_from_previous_interactions>
                - User's name is Ada
                </memories_from_previous_interactions>

                Note: this information is from previous interactions and may be updated in this conversation. \
                You should always prefer information from this conversation over the past memories.""")
                .contains("Be brief.").doesNotContain("Bob");
        assertThat(model.requests()).as("no memory step without enableUserMemories").hasSize(1);
    }

    @Test
    void a_user_without_memories_is_told_so_and_runs_without_a_user_get_no_memory_section() {
        ScriptedModel model = ScriptedModel.replying(r -> memoryStep(r) ? Reply.text("nothing") : Reply.text("ok"));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true).build();

        agent.run(forAda("Hello"));
        agent.run("Hello");

        assertThat(system(model.requests().getFirst())).contains("have not had any interactions with the user yet");
        assertThat(model.requests()).as("a run without a user has no memory step").hasSize(3);
        assertThat(system(model.requests().get(2))).doesNotContain("memories");
    }

    @Test
    void the_memory_step_sees_existing_memories_and_updates_and_deletes_them() {
        UserMemory name = memories.upsert(UserMemory.of("ada", "User's name is Ada", List.of("name"))).orElseThrow();
        UserMemory city = memories.upsert(UserMemory.of("ada", "User lives in Paris", List.of("location")))
                .orElseThrow();
        UserMemory bobs = memories.upsert(UserMemory.of("bob", "User likes tea", List.of())).orElseThrow();
        ScriptedModel model = ScriptedModel.of(Reply.text("Noted."),
                Reply.toolCall("update_memory", "{\"memory_id\":\"" + city.memoryId()
                        + "\",\"memory\":\"User moved from Paris to Lyon\",\"topics\":[\"location\"]}")
                        .thenToolCall("delete_memory", "{\"memory_id\":\"" + name.memoryId() + "\"}")
                        .thenToolCall("delete_memory", "{\"memory_id\":\"" + bobs.memoryId() + "\"}"),
                Reply.text("done"));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true)
                .addMemoriesToContext(false).build();

        agent.run(forAda("I moved to Lyon. And forget my name."));

        assertThat(system(model.requests().getFirst())).doesNotContain("memories");
        assertThat(system(model.requests().get(1))).contains("<existing_memories>", "ID: " + city.memoryId(),
                "Memory: User lives in Paris").doesNotContain("User likes tea");
        assertThat(model.requests().get(2).messages()).extracting(m -> m.content()).contains(
                "Memory updated successfully", "Memory deleted successfully", "Memory " + bobs.memoryId()
                        + " not found");
        assertThat(memories.ofUser("ada")).singleElement().satisfies(m -> {
            assertThat(m.memoryId()).isEqualTo(city.memoryId());
            assertThat(m.memory()).isEqualTo("User moved from Paris to Lyon");
            assertThat(m.createdAt()).isEqualTo(city.createdAt());
        });
        assertThat(memories.ofUser("bob")).as("another user's memory is out of reach").hasSize(1);
    }

    @Test
    void a_streamed_run_announces_the_memory_update_between_content_and_completion() {
        ScriptedModel model = ScriptedModel.of(Reply.text("Hello ", "Ada"),
                Reply.toolCall("add_memory", "{\"memory\":\"User's name is Ada\"}"), Reply.text("done"));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true).build();

        List<RunEvent> events = new ArrayList<>();
        try (RunStream stream = agent.stream(forAda("My name is Ada"))) {
            stream.forEach(events::add);
        }

        List<Class<?>> tail = events.subList(events.size() - 4, events.size()).stream()
                .<Class<?>>map(Object::getClass).toList();
        assertThat(tail).containsExactly(RunContentCompleted.class, MemoryUpdateStarted.class,
                MemoryUpdateCompleted.class, RunCompleted.class);
        MemoryUpdateCompleted done = (MemoryUpdateCompleted) events.get(events.size() - 2);
        assertThat(done.memories()).extracting(UserMemory::memory).containsExactly("User's name is Ada");
    }

    @Test
    void a_run_cancelled_during_its_memory_step_is_cancelled_and_writes_nothing() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text("Hello Ada!"),
                Reply.toolCall("add_memory", "{\"memory\":\"User's name is Ada\"}").thenBlock());
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true).build();

        var run = agent.start(forAda("My name is Ada"));
        assertThat(model.awaitCalls(2, WAIT)).isTrue();
        run.cancel();
        RunOutput out = run.future().get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.content()).isEqualTo("Hello Ada!");
        assertThat(model.awaitAbortedCalls(1, WAIT)).as("the memory model call is aborted").isTrue();
        assertThat(memories.ofUser("ada")).isEmpty();
    }

    @Test
    void a_failing_memory_step_is_logged_and_the_run_still_completes() {
        ScriptedModel model = ScriptedModel.of(Reply.text("Hello Ada!"));
        ScriptedModel down = ScriptedModel.named("down",
                Reply.error(new ModelException("the memory model is down", "api_error", null)));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true).memoryModel(down)
                .build();

        RunOutput out = agent.run(forAda("My name is Ada"));

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("Hello Ada!");
        assertThat(down.requests()).hasSize(1);
        assertThat(memories.ofUser("ada")).isEmpty();
        assertThat(out.metrics().details().get(dev.cadre.run.RunMetrics.MODEL)).extracting(m -> m.id())
                .containsExactly("scripted");
    }

    @Test
    void a_failed_run_has_no_memory_step() {
        ScriptedModel model = ScriptedModel.of(Reply.error(new ModelException("down", "api_error", null)));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).enableUserMemories(true).build();

        assertThat(agent.run(forAda("My name is Ada")).status()).isEqualTo(RunStatus.ERROR);
        assertThat(model.requests()).hasSize(1);
        assertThat(memories.ofUser("ada")).isEmpty();
    }

    @Test
    void the_memory_model_replaces_the_components_model_for_the_step() {
        ScriptedModel main = ScriptedModel.of(Reply.text("Hello Ada!"));
        ScriptedModel small = ScriptedModel.named("small", Reply.toolCall("add_memory",
                "{\"memory\":\"User's name is Ada\"}"), Reply.text("done"));
        Agent agent = Agent.builder().name("Helper").model(main).db(db).enableUserMemories(true).memoryModel(small)
                .build();

        RunOutput out = agent.run(forAda("My name is Ada"));

        assertThat(main.requests()).hasSize(1);
        assertThat(small.requests()).hasSize(2);
        assertThat(memories.ofUser("ada")).hasSize(1);
        assertThat(out.metrics().details().get(dev.cadre.run.RunMetrics.MODEL)).extracting(m -> m.id())
                .contains("small");
    }

    @Test
    void a_teams_memories_carry_its_team_id_and_team_events() {
        Agent member = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text("unused"))).build();
        ScriptedModel leader = ScriptedModel.of(Reply.text("Hello Ada!"),
                Reply.toolCall("add_memory", "{\"memory\":\"User's name is Ada\"}"), Reply.text("done"));
        Team team = Team.builder().name("Desk").model(leader).members(member).db(db).enableUserMemories(true).build();

        List<RunEvent> events = new ArrayList<>();
        try (RunStream stream = team.stream(forAda("My name is Ada"))) {
            stream.forEach(events::add);
        }

        assertThat(events).hasAtLeastOneElementOfType(TeamMemoryUpdateStarted.class)
                .hasAtLeastOneElementOfType(TeamMemoryUpdateCompleted.class);
        assertThat(memories.ofUser("ada")).singleElement().satisfies(m -> {
            assertThat(m.teamId()).contains("desk");
            assertThat(m.agentId()).isEmpty();
        });
        assertThat(memories.get(memories.ofUser("ada").getFirst().memoryId(), Optional.of("bob"))).isEmpty();
    }
}
