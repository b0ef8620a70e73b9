package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.json.CadreJson;
import dev.cadre.server.CadreServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A team served from a YAML file, and bad files refused with the line and the problem. */
class CadreConfigTest {

    private static final String ISSUE_EXAMPLE = """
            db: sqlite:cadre.db            # or a jdbc:postgresql://... URL
            models:
              default: {provider: openai-responses, id: gpt-5.2-mini, base_url: http://127.0.0.1:8089/v1, api_key: ${OPENAI_API_KEY}}
            agents:
              - {id: researcher, name: Researcher, model: default, role: Research topics and provide factual information.}
              - {id: writer, name: Writer, model: default, role: Write clear and concise summaries.}
            teams:
              - id: research-team
                name: ResearchTeam
                model: default
                members: [researcher, writer]
                instructions: [First, have the researcher gather key facts., Then, have the writer create a concise summary.]
            """;

    private static CadreConfig parse(String yaml) {
        return CadreConfig.parse(yaml, "cadre.yaml", Map.of("OPENAI_API_KEY", "sk-from-env"));
    }

    private static String problem(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void theIssuesExampleReadsAsWritten() {
        CadreConfig c = parse(ISSUE_EXAMPLE);
        assertThat(c.db()).isEqualTo("sqlite:cadre.db");
        assertThat(c.models().get("default").apiKey()).contains("sk-from-env");
        assertThat(c.models().get("default").baseUrl()).contains("http://127.0.0.1:8089/v1");
        assertThat(c.agents()).extracting(CadreConfig.AgentConfig::id).containsExactly("researcher", "writer");
        CadreConfig.TeamConfig team = c.teams().get(0);
        assertThat(team.members()).containsExactly("researcher", "writer");
        // YAML flow lists split on commas: these are four instructions, as YAML reads them.
        assertThat(team.instructions()).hasSize(4);
    }

    @Test
    void anUnknownProviderNamesTheLineAndTheChoices() {
        String yaml = """
                db: memory
                models:
                  default:
                    provider: openai-foo
                    id: x
                agents:
                  - {id: a, model: default}
                """;
        assertThat(problem(yaml)).isEqualTo(
                "cadre.yaml:4: models.default.provider: 'openai-foo' is not one of openai-responses, openai-chat, anthropic, gemini");
    }

    @Test
    void badFilesFailWithTheLineAndTheProblem() {
        String base = "models:\n  m: {provider: openai-chat, id: gpt-4o}\n";
        assertThat(problem(base + "agents:\n  - {id: a, model: nope}\n"))
                .startsWith("cadre.yaml:4: agents[0].model: no model 'nope'");
        assertThat(problem(base + "agents:\n  - {id: a}\nteams:\n  - {id: t, members: [a, ghost]}\n"))
                .startsWith("cadre.yaml:6: teams[0].members[1]: no agent or team 'ghost'");
        assertThat(problem(base + "agents:\n  - {id: a, colour: red}\n"))
                .startsWith("cadre.yaml:4: agents[0].colour: unknown key");
        assertThat(problem(base + "agents:\n  - {id: a}\n  - {id: a}\n"))
                .startsWith("cadre.yaml:5: agents[1]: the id 'a' is used twice (first on line 4)");
        assertThat(problem("models:\n  m: {provider: openai-chat, id: x, api_key: ${NOT_SET_ANYWHERE}}\nagents: [{id: a}]\n"))
                .isEqualTo("cadre.yaml:2: models.m.api_key: the environment variable NOT_SET_ANYWHERE is not set");
        assertThat(problem("models:\n  m: {provider: openai-chat}\nagents: [{id: a}]\n"))
                .isEqualTo("cadre.yaml:2: models.m.id: is required");
        assertThat(problem("models: [a, b]\n")).startsWith("cadre.yaml:1: models: must be a mapping");
        assertThat(problem("agents:\n  - {id: a\n")).startsWith("cadre.yaml:").contains("not valid YAML");
        assertThat(problem(base)).contains("nothing to serve");
        assertThat(problem(base + "agents: [{id: a}]\nserver: {port: 99999}\n"))
                .startsWith("cadre.yaml:4: server.port: '99999' is not a port number");
        assertThat(problem(base + "agents: [{id: a}]\nteams: [{id: t, members: [a], mode: vote}]\n"))
                .startsWith("cadre.yaml:4: teams[0].mode: 'vote' is not one of coordinate, route, broadcast");
    }

    @Test
    void variablesHaveDefaultsAndTheSecurityKeyComesFromTheEnvironment() {
        CadreConfig c = CadreConfig.parse("""
                models:
                  m: {provider: openai-chat, id: "${MODEL_ID:-gpt-4o}"}
                agents: [{name: Plain Agent}]
                """, "cadre.yaml", Map.of("OS_SECURITY_KEY", "k"));
        assertThat(c.models().get("m").id()).isEqualTo("gpt-4o");
        assertThat(c.agents().get(0).id()).isEqualTo("plain-agent");
        assertThat(c.agents().get(0).model()).as("the only model").isEqualTo("m");
        assertThat(c.server().securityKey()).contains("k");
    }

    private static final String ONE_AGENT = """
            models:
              m: {provider: openai-chat, id: gpt-4o}
            agents: [{id: a}]
            """;

    @Test
    void jwtVerificationKeyInTheEnvironmentSwitchesJwtModeOnAsInAgentOs() {
        CadreConfig c = CadreConfig.parse(ONE_AGENT, "cadre.yaml", Map.of("JWT_VERIFICATION_KEY", "secret"));

        CadreConfig.JwtConfig jwt = c.server().jwt().orElseThrow();
        assertThat(jwt.verificationKey()).contains("secret");
        assertThat(jwt.authorization()).isTrue();
        assertThat(jwt.userIsolation()).as("on by default").isTrue();
        assertThat(CadreConfig.parse(ONE_AGENT, "cadre.yaml", Map.of("JWT_JWKS_FILE", "/keys/jwks.json")).server()
                .jwt().flatMap(CadreConfig.JwtConfig::jwksFile)).contains(Path.of("/keys/jwks.json"));
        assertThat(CadreConfig.parse(ONE_AGENT, "cadre.yaml", Map.of()).server().jwt()).isEmpty();
    }

    @Test
    void theJwtSectionSetsEverythingAndIsolationIsOffOnlyWhenSaidSo() {
        CadreConfig c = CadreConfig.parse(ONE_AGENT + """
                server:
                  jwt:
                    verification_key: ${MY_KEY}
                    user_isolation: false
                    authorization: off
                    audience: [my-os]
                    admin_scope: ops:admin
                """, "cadre.yaml", Map.of("MY_KEY", "k"));

        CadreConfig.JwtConfig jwt = c.server().jwt().orElseThrow();
        assertThat(jwt.verificationKey()).contains("k");
        assertThat(jwt.userIsolation()).isFalse();
        assertThat(jwt.authorization()).isFalse();
        assertThat(jwt.verifyAudience()).isTrue();
        assertThat(jwt.audience()).containsExactly("my-os");
        assertThat(jwt.adminScope()).contains("ops:admin");
        assertThat(problem(ONE_AGENT + "server: {jwt: {user_isolation: maybe, verification_key: k}}\n"))
                .contains("server.jwt.user_isolation: 'maybe' is not true or false");
        assertThat(problem(ONE_AGENT + "server: {jwt: {user_isolation: true}}\n"))
                .contains("needs verification_key");
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsNotAConfigProblemAndNamesNoPassword() {
        CadreConfig c = CadreConfig.parse("db: postgresql://cadre:hunter2@127.0.0.1:1/cadre\n" + ONE_AGENT,
                "cadre.yaml", Map.of());

        assertThatThrownBy(c::build).isInstanceOf(dev.cadre.db.DbException.class)
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> CadreConfig.parse("db: ftp://x\n" + ONE_AGENT, "cadre.yaml", Map.of()).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("cadre.yaml:1: db");
    }

    @Test
    void aConfiguredTeamIsServedAndAnswers(@TempDir Path dir) throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            openai.dispatcher(r -> Reply.text("From the config."));
            Path file = dir.resolve("cadre.yaml");
            Files.writeString(file, ISSUE_EXAMPLE
                    .replace("sqlite:cadre.db", "sqlite:" + dir.resolve("cadre.db").toString().replace('\\', '/'))
                    .replace("http://127.0.0.1:8089/v1", openai.baseUrl())
                    .replace("${OPENAI_API_KEY}", "sk-test"));
            CadreServer server = CadreConfig.load(file).serverBuilder().port(0).build().start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                JsonNode teams = CadreJson.mapper().readTree(http.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/teams")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(teams.get(0).get("id").asText()).isEqualTo("research-team");
                assertThat(teams.get(0).get("members").findValuesAsText("id")).contains("researcher", "writer");
                assertThat(teams.get(0).get("model").get("model").asText()).isEqualTo("gpt-5.2-mini");

                HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                + "/teams/research-team/runs"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("message=Summarise+entropy&stream=false")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(run.statusCode()).isEqualTo(200);
                assertThat(CadreJson.mapper().readTree(run.body()).get("content").asText()).isEqualTo("From the config.");
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aMissingFileIsAConfigErrorNamingThePath(@TempDir Path dir) {
        assertThatThrownBy(() -> CadreConfig.load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("absent.yaml") + ": file not found");
        assertThatThrownBy(() -> CadreConfig.load(dir))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(dir + ": cannot be read (");
    }

    @Test
    void aYamlSyntaxErrorSaysWhatWasExpectedAndFoundWhere() {
        assertThat(problem("agents:\n  - {id: a\n")).isEqualTo("cadre.yaml:3: not valid YAML: expected ',' or '}',"
                + " but got <stream end> at line 3, column 1 (while parsing a flow mapping that starts at line 2, column 5)");
        assertThat(problem("db: memory\nagents: [{id: a}]\n  name: x\n")).startsWith("cadre.yaml:3: not valid YAML: ")
                .contains("line 3, column").doesNotContain("^", "\n");
    }

    @Test
    void durableExecutionIsForPostgreSqlAndItsSettingsNeedIt() {
        assertThat(problem("db: sqlite:cadre.db\nexecution: {mode: durable}\n" + ONE_AGENT)).isEqualTo(
                "cadre.yaml:2: execution.mode: durable execution keeps its runs in PostgreSQL: set db to a PostgreSQL "
                + "database (postgresql://user:password@host:5432/db), not sqlite:cadre.db");
        assertThat(problem("db: postgresql://u:secret@db/x\nexecution: {mode: fast}\n" + ONE_AGENT))
                .isEqualTo("cadre.yaml:2: execution.mode: 'fast' is not one of local, durable");
        assertThat(problem("execution: {worker_concurrency: 5}\n" + ONE_AGENT)).isEqualTo("cadre.yaml:1: execution: "
                + "worker_concurrency, app_version, schema and stale_after_seconds are settings of durable execution: "
                + "add mode: durable");
        assertThat(problem("db: postgresql://u:p@db/x\nexecution: {mode: durable, worker_concurrency: 0}\n" + ONE_AGENT))
                .isEqualTo("cadre.yaml:2: execution.worker_concurrency: '0' is not a whole number of 1 or more");
        assertThat(problem("db: postgresql://u:p@db/x\nexecution: {mode: durable, lease: 5}\n" + ONE_AGENT))
                .startsWith("cadre.yaml:2: execution.lease: unknown key (known here: app_version, mode, schema,");

        CadreConfig durable = CadreConfig.parse("db: postgresql://u:p@db/x\nexecution: {mode: durable, "
                + "worker_concurrency: 7, app_version: v2, stale_after_seconds: 12}\n" + ONE_AGENT, "cadre.yaml", Map.of());
        assertThat(durable.execution()).isEqualTo(new CadreConfig.ExecutionConfig(true, java.util.Optional.of(7),
                java.util.Optional.of("v2"), java.util.Optional.empty(), java.util.Optional.of(Duration.ofSeconds(12))));
        assertThat(CadreConfig.parse(ONE_AGENT, "cadre.yaml", Map.of()).execution())
                .isEqualTo(CadreConfig.ExecutionConfig.LOCAL);
    }
}
