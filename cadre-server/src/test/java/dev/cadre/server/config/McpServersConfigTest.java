package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.json.CadreJson;
import dev.cadre.server.CadreServer;
import dev.cadre.server.config.CadreConfig.McpServerConfig;
import dev.cadre.testkit.FakeMcpServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcp_servers:} of agents and teams: read and checked with the line, connected when built, closed after. */
class McpServersConfigTest {

    private static final String MODELS = "models:\n  default: {provider: openai-chat, id: gpt-4o, api_key: sk-test}\n";

    private static CadreConfig parse(String yaml) {
        return CadreConfig.parse(yaml, "cadre.yaml", Map.of("MCP_TOKEN", "secret-token"));
    }

    private static String problem(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    /** The fake MCP server's stdio command as a YAML flow mapping's command and args. */
    private static String stdioEntry() {
        List<String> command = FakeMcpServer.stdioCommand();
        return "{command: \"" + command.getFirst() + "\", args: [" + command.subList(1, command.size()).stream()
                .map(a -> "\"" + a + "\"").collect(Collectors.joining(", ")) + "]";
    }

    @Test
    void agentsAndTeamsNameStdioAndHttpServers() {
        CadreConfig c = parse(MODELS + """
                agents:
                  - id: librarian
                    mcp_servers:
                      - command: npx
                        args: [-y, server-filesystem, /srv/docs]
                        env: {LOG_LEVEL: debug}
                        working_dir: /srv
                        prefix: fs_
                        include_tools: [read_file, list_directory]
                  - {id: plain}
                teams:
                  - id: desk
                    members: [librarian]
                    mcp_servers:
                      - {url: "http://localhost:8931/mcp", headers: {Authorization: "Bearer ${MCP_TOKEN}"}, exclude_tools: [delete]}
                """);

        assertThat(c.agents().getFirst().mcpServers()).singleElement().isEqualTo(new McpServerConfig(6,
                "agents[0].mcp_servers[0]", Optional.of("npx"), List.of("-y", "server-filesystem", "/srv/docs"),
                Map.of("LOG_LEVEL", "debug"), Optional.of(Path.of("/srv")), Optional.empty(), Map.of(),
                Optional.of("fs_"), List.of("read_file", "list_directory"), List.of()));
        assertThat(c.agents().get(1).mcpServers()).isEmpty();
        McpServerConfig http = c.teams().getFirst().mcpServers().getFirst();
        assertThat(http.url()).hasValue("http://localhost:8931/mcp");
        assertThat(http.headers()).containsExactly(Map.entry("Authorization", "Bearer secret-token"));
        assertThat(http.excludeTools()).containsExactly("delete");
    }

    @Test
    void badEntriesFailWithTheLineAndTheProblem() {
        String agent = MODELS + "agents:\n  - id: a\n    mcp_servers:\n";
        assertThat(problem(agent + "      - {command: npx, url: \"http://x/mcp\"}\n"))
                .startsWith("cadre.yaml:6: agents[0].mcp_servers[0]: has both command and url");
        assertThat(problem(agent + "      - {prefix: x_}\n"))
                .startsWith("cadre.yaml:6: agents[0].mcp_servers[0]: needs a command (a stdio server) or a url");
        assertThat(problem(agent + "      - {url: \"http://x/mcp\", args: [a]}\n"))
                .startsWith("cadre.yaml:6: agents[0].mcp_servers[0].args: is for servers started with command");
        assertThat(problem(agent + "      - {command: npx, headers: {A: b}}\n"))
                .startsWith("cadre.yaml:6: agents[0].mcp_servers[0].headers: is for servers reached by url");
        assertThat(problem(agent + "      - {url: \"ftp://x/mcp\"}\n"))
                .startsWith("cadre.yaml:6: agents[0].mcp_servers[0].url: 'ftp://x/mcp' is not an http:// or https://");
        assertThat(problem(agent + "      - {command: npx, colour: red}\n"))
                .startsWith("cadre.yaml:6: agents[0].mcp_servers[0].colour: unknown key");
        assertThat(problem(agent + "      - {command: npx, env: {TOKEN: \"${NOT_SET_ANYWHERE}\"}}\n"))
                .isEqualTo("cadre.yaml:6: agents[0].mcp_servers[0].env.TOKEN: the environment variable"
                        + " NOT_SET_ANYWHERE is not set");
        assertThat(problem(MODELS + "agents:\n  - {id: a, mcp_servers: {command: npx}}\n"))
                .startsWith("cadre.yaml:4: agents[0].mcp_servers: must be a list");
    }

    @Test
    void aServerThatCannotStartIsAConfigErrorNamingItsEntry(@TempDir Path dir) {
        String missing = dir.resolve("no-such-server").toString();
        CadreConfig c = parse("db: \"sqlite:" + dir.resolve("cadre.db") + "\"\n" + MODELS
                + "agents:\n  - id: a\n    mcp_servers:\n      - {command: \"" + missing + "\"}\n");

        assertThatThrownBy(c::build).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cadre.yaml:7: agents[0].mcp_servers[0]: MCP server '" + missing
                        + "' could not be started: ");
    }

    @Test
    void twoServersOfferingTheSameToolNeedAPrefix(@TempDir Path dir) throws Exception {
        try (FakeMcpServer mcp = FakeMcpServer.startHttp()) {
            CadreConfig c = parse("db: \"sqlite:" + dir.resolve("cadre.db") + "\"\n" + MODELS
                    + "agents:\n  - id: a\n    mcp_servers:\n      - {url: \"" + mcp.url() + "\"}\n      - {url: \""
                    + mcp.url() + "\"}\n");

            assertThatThrownBy(c::build).isInstanceOf(ConfigException.class)
                    .hasMessage("cadre.yaml:8: agents[0].mcp_servers[1]: offers a tool named 'add', as does the MCP"
                            + " server on line 7: give one of them a prefix");
        }
    }

    @Test
    void aServedAgentCallsTheToolsOfItsMcpServersAndStoppingTheServerStopsThem(@TempDir Path dir) throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start(); FakeMcpServer web = FakeMcpServer.startHttp()) {
            openai.enqueue(Reply.toolCall("web_add", "{\"a\":2,\"b\":3}"));
            openai.enqueue(Reply.toolCall("add", "{\"a\":5,\"b\":5}"));
            openai.enqueue(Reply.text("5, then 10."));
            Path file = Files.writeString(dir.resolve("cadre.yaml"), "db: \"sqlite:" + dir.resolve("cadre.db") + "\"\n"
                    + "models:\n  default: {provider: openai-chat, id: gpt-4o, api_key: sk-test, base_url: \""
                    + openai.baseUrl() + "\"}\n"
                    + "agents:\n  - id: calc\n    mcp_servers:\n      - " + stdioEntry() + "}\n"
                    + "      - {url: \"" + web.url() + "\", prefix: web_, include_tools: [add]}\n");
            CadreServer server = CadreConfig.load(file).serverBuilder().port(0).build().start();
            List<ProcessHandle> stdioServers = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                    .toList();
            try {
                HttpResponse<String> run = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(server.baseUrl() + "/agents/calc/runs"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("message=Add+up&stream=false")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(run.statusCode()).isEqualTo(200);
                var body = CadreJson.mapper().readTree(run.body());
                assertThat(body.get("content").asText()).isEqualTo("5, then 10.");
                assertThat(body.get("tools").findValuesAsText("result")).containsExactly("5", "10");
                assertThat(stdioServers).isNotEmpty();
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
            assertThat(stdioServers).noneMatch(ProcessHandle::isAlive);
        }
    }
}
