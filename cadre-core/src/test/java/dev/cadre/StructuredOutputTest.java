package dev.cadre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.db.InMemoryDb;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.json.CadreJson;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.Role;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.tool.FunctionTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An agent or team with an output schema answers with JSON of that shape, checked, or fails saying why. */
class StructuredOutputTest {

    record Movie(String title, int year, List<String> genres, Optional<String> tagline) {
    }

    private static Agent critic(ScriptedModel model) {
        return Agent.builder().name("Critic").model(model).outputSchema(Movie.class).build();
    }

    @Test
    void theSchemaGoesToTheModelAndTheAnswerIsReadAsTheRecord() {
        ScriptedModel model = ScriptedModel.of(Reply.text("{\"title\":\"Alien\",\"year\":1979,\"genres\":[\"sci-fi\"]}"));

        RunOutput out = critic(model).run("A film from 1979");

        assertThat(model.requests().getFirst().outputSchema()).hasValueSatisfying(s -> {
            assertThat(s.name()).isEqualTo("Movie");
            assertThat(s.schema().path("properties").path("year").path("type").asText()).isEqualTo("integer");
            assertThat(s.strictCompatible()).isFalse(); // the Optional tagline is not required
        });
        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.contentType()).isEqualTo("Movie");
        assertThat(out.isStructured()).isTrue();
        assertThat(out.content(Movie.class)).isEqualTo(new Movie("Alien", 1979, List.of("sci-fi"), Optional.empty()));
        JsonNode json = CadreJson.tree(out);
        assertThat(json.path("content_type").asText()).isEqualTo("Movie");
        assertThat(CadreJson.readRun(CadreJson.write(out)).contentType()).as("read back").isEqualTo("Movie");
    }

    @Test
    void aFencedAnswerIsAcceptedAndKeptAsPlainJson() {
        ScriptedModel model = ScriptedModel.of(Reply.text("```json\n{\"title\":\"Heat\",\"year\":1995,\"genres\":[]}\n```"));

        RunOutput out = critic(model).run("A film from 1995");

        assertThat(out.content()).isEqualTo("{\"title\":\"Heat\",\"year\":1995,\"genres\":[]}");
    }

    @Test
    void aMismatchGetsOneCorrectiveTurnThatNamesTheField() {
        ScriptedModel model = ScriptedModel.of(Reply.text("{\"title\":\"Alien\",\"year\":\"1979\",\"genres\":[]}"),
                Reply.text("{\"title\":\"Alien\",\"year\":1979,\"genres\":[]}"));

        RunOutput out = critic(model).run("A film from 1979");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content(Movie.class).year()).isEqualTo(1979);
        assertThat(model.requests()).hasSize(2);
        var correction = model.requests().get(1).messages().getLast();
        assertThat(correction.role()).isEqualTo(Role.USER);
        assertThat(correction.content()).contains("year").contains("Movie");
    }

    @Test
    void aSecondMismatchEndsTheRunErrorNamingTheField() {
        ScriptedModel model = ScriptedModel.of(Reply.text("not json at all"),
                Reply.text("{\"title\":\"Alien\",\"genres\":[]}"));

        RunOutput out = critic(model).run("A film");

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        assertThat(out.error()).hasValueSatisfying(f -> {
            assertThat(f.type()).isEqualTo("output_schema_error");
            assertThat(f.message()).contains("year").contains("'Movie'");
        });
        assertThatThrownBy(() -> out.content(Movie.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no structured answer");
    }

    @Test
    void toolsMayBeCalledBeforeTheStructuredAnswer() {
        ScriptedModel model = ScriptedModel.of(Reply.toolCall("lookup", "{}"),
                Reply.text("{\"title\":\"Alien\",\"year\":1979,\"genres\":[\"horror\"]}"));
        Agent agent = Agent.builder().name("Critic").model(model).outputSchema(Movie.class)
                .tools(FunctionTool.of("lookup", "finds the film", ctx -> "Alien, 1979")).build();

        RunOutput out = agent.run("Which film?");

        assertThat(out.content(Movie.class).genres()).containsExactly("horror");
        assertThat(model.requests()).allSatisfy(r -> assertThat(r.outputSchema()).isPresent());
    }

    @Test
    void streamingCarriesTheRawTextAndTheCompletionTheCheckedJson() {
        ScriptedModel model = ScriptedModel.of(Reply.text("{\"title\":\"Alien\",", " \"year\":1979, \"genres\":[]}"));
        List<RunEvent> events = new ArrayList<>();
        try (RunStream stream = critic(model).stream(RunRequest.of("A film"))) {
            stream.forEach(events::add);
        }

        assertThat(events).filteredOn(RunContent.class::isInstance).map(e -> ((RunContent) e).content())
                .containsExactly("{\"title\":\"Alien\",", " \"year\":1979, \"genres\":[]}");
        assertThat(events.getLast()).isInstanceOfSatisfying(RunCompleted.class, c -> {
            assertThat(c.contentType()).isEqualTo("Movie");
            assertThat(c.content()).isEqualTo("{\"title\":\"Alien\",\"year\":1979,\"genres\":[]}");
        });
        assertThat(CadreJson.tree(events.getLast()).path("content_type").asText()).isEqualTo("Movie");
    }

    @Test
    void aRunMayAskForItsOwnSchemaInPlaceOfTheComponents() {
        JsonNode schema = CadreJson.mapper().createObjectNode().put("type", "object")
                .set("properties", CadreJson.mapper().createObjectNode()
                        .set("answer", CadreJson.mapper().createObjectNode().put("type", "string")));
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema).putArray("required").add("answer");
        ScriptedModel model = ScriptedModel.of(Reply.text("{\"answer\":\"42\"}"));
        Agent agent = Agent.builder().name("Oracle").model(model).build();

        RunOutput out = agent.run(RunRequest.builder("Why?").outputSchema(new OutputSchema("Answer", schema)).build());

        assertThat(out.contentType()).isEqualTo("Answer");
        assertThat(out.content(JsonNode.class).path("answer").asText()).isEqualTo("42");
    }

    @Test
    void aTeamsLeaderAnswersInItsSchemaWhileMembersAnswerInText() {
        ScriptedModel leader = ScriptedModel.of(Scripts.delegate("researcher", "find a film"),
                Reply.text("{\"title\":\"Alien\",\"year\":1979,\"genres\":[]}"));
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("Alien came out in 1979."));
        Agent researcher = Agent.builder().name("Researcher").model(memberModel).build();
        Team team = Team.builder().name("Film Team").model(leader).members(researcher).outputSchema(Movie.class).build();

        TeamRunOutput out = team.run("A film from 1979");

        assertThat(out.content(Movie.class).title()).isEqualTo("Alien");
        assertThat(out.memberResponses()).singleElement()
                .satisfies(m -> assertThat(m.contentType()).isEqualTo("str"));
        assertThat(memberModel.requests().getFirst().outputSchema()).isEmpty();
        assertThat(out.events().getLast()).isInstanceOfSatisfying(TeamRunCompleted.class,
                c -> assertThat(c.contentType()).isEqualTo("Movie"));
    }

    record Verdict(String film, int stars) {
    }

    @Test
    void aMemberAnswersInItsOwnSchemaWhileTheLeaderAnswersInText() {
        ScriptedModel leader = ScriptedModel.of(Scripts.delegate("critic", "review Alien"),
                Reply.text("The critic liked Alien."));
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("{\"title\":\"Alien\",\"year\":1979,\"genres\":[\"horror\"]}"));
        InMemoryDb db = new InMemoryDb();
        Team team = Team.builder().name("Film Team").model(leader).members(critic(memberModel)).db(db).build();

        TeamRunOutput out = team.run("Review a film");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("The critic liked Alien.");
        assertThat(out.contentType()).isEqualTo("str");
        assertThat(out.isStructured()).isFalse();
        assertThat(leader.requests()).allSatisfy(r -> assertThat(r.outputSchema()).isEmpty());
        assertThat(memberModel.requests().getFirst().outputSchema()).hasValueSatisfying(
                s -> assertThat(s.name()).isEqualTo("Movie"));
        RunResult member = out.memberResponses().getFirst();
        assertThat(out.memberResponses()).hasSize(1);
        assertThat(member.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(member.contentType()).isEqualTo("Movie");
        assertThat(member.content()).isEqualTo("{\"title\":\"Alien\",\"year\":1979,\"genres\":[\"horror\"]}");
        assertThat(member.content(Movie.class).genres()).containsExactly("horror");
        // the leader saw the member's JSON as the delegation's result
        assertThat(leader.requests().get(1).messages().getLast().content()).isEqualTo(member.content());
        assertThat(db.getRun(out.runId())).get().isInstanceOfSatisfying(TeamRunOutput.class, stored -> {
            assertThat(stored.contentType()).isEqualTo("str");
            assertThat(stored.memberResponses()).singleElement().satisfies(m -> {
                assertThat(m.contentType()).isEqualTo("Movie");
                assertThat(m.content()).isEqualTo(member.content());
            });
        });
    }

    @Test
    void aMemberAndItsLeaderMayEachHaveTheirOwnSchema() {
        ScriptedModel leader = ScriptedModel.of(Scripts.delegate("critic", "review Alien"),
                Reply.text("{\"film\":\"Alien\",\"stars\":5}"));
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("{\"title\":\"Alien\",\"year\":1979,\"genres\":[]}"));
        Team team = Team.builder().name("Film Team").model(leader).members(critic(memberModel))
                .outputSchema(Verdict.class).build();

        TeamRunOutput out = team.run("Review a film");

        assertThat(out.contentType()).isEqualTo("Verdict");
        assertThat(out.content(Verdict.class)).isEqualTo(new Verdict("Alien", 5));
        assertThat(out.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.contentType()).isEqualTo("Movie");
            assertThat(m.content(Movie.class).year()).isEqualTo(1979);
        });
        assertThat(leader.requests().getFirst().outputSchema()).hasValueSatisfying(
                s -> assertThat(s.name()).isEqualTo("Verdict"));
    }

    @Test
    void aRoutedMemberWithTheTeamsSchemaGivesTheTeamItsCheckedJson() {
        ScriptedModel leader = ScriptedModel.of(Scripts.delegate("critic", "review Alien"));
        ScriptedModel memberModel = ScriptedModel.of(
                Reply.text("```json\n{\"title\":\"Alien\",\"year\":1979,\"genres\":[]}\n```"));
        Team team = Team.builder().name("Film Router").model(leader).mode(TeamMode.ROUTE)
                .members(critic(memberModel)).outputSchema(Movie.class).build();

        TeamRunOutput out = team.run("Review a film");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.contentType()).isEqualTo("Movie");
        assertThat(out.content()).isEqualTo("{\"title\":\"Alien\",\"year\":1979,\"genres\":[]}");
        assertThat(out.content(Movie.class).title()).isEqualTo("Alien");
        assertThat(leader.requests()).hasSize(1);
        assertThat(out.memberResponses()).singleElement()
                .satisfies(m -> assertThat(m.contentType()).isEqualTo("Movie"));
        assertThat(out.events().getLast()).isInstanceOfSatisfying(TeamRunCompleted.class,
                c -> assertThat(c.contentType()).isEqualTo("Movie"));
    }

    @Test
    void aRoutedMemberAnsweringInTextEndsTheTeamRunErrorSayingToGiveItTheSchema() {
        ScriptedModel leader = ScriptedModel.of(Scripts.delegate("researcher", "find a film"));
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("Alien came out in 1979."));
        Agent researcher = Agent.builder().name("Researcher").model(memberModel).build();
        Team team = Team.builder().name("Film Router").model(leader).mode(TeamMode.ROUTE)
                .members(researcher).outputSchema(Movie.class).build();

        TeamRunOutput out = team.run("A film from 1979");

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        assertThat(out.error()).hasValueSatisfying(f -> {
            assertThat(f.type()).isEqualTo("output_schema_error");
            assertThat(f.message()).startsWith("The answer routed to Film Router did not match its output schema "
                    + "'Movie': ").endsWith(". Give the member the same outputSchema(...)");
        });
        assertThat(out.isStructured()).isFalse();
        assertThat(leader.requests()).as("no corrective turn").hasSize(1);
        assertThat(out.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(m.contentType()).isEqualTo("str");
        });
    }

    @Test
    void anOutputTypeMustBeARecordAndASchemaAnObject() {
        assertThatThrownBy(() -> Agent.builder().outputSchema(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a record");
        assertThatThrownBy(() -> new OutputSchema("x", CadreJson.mapper().createObjectNode().put("type", "string")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"object\"");
        assertThatThrownBy(() -> new OutputSchema("no spaces", CadreJson.mapper().createObjectNode()
                .put("type", "object"))).hasMessageContaining("name");
    }
}
