package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.ProcessInstance;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.server.CadreServer;
import dev.cadre.server.config.CadreConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code cadre serve} prints under its first line: what it serves, and how. */
class ServeBannerTest {

    @Test
    void namesTheDbWithItsPasswordMaskedTheAgentsTeamsAuthAndExecution() {
        TestPostgres.require();
        String schema = TestPostgres.createSchema();
        try {
            // PostgreSQL here trusts local connections: the password is not checked, only shown (masked).
            CadreConfig config = CadreConfig.parse("""
                    db: postgresql://postgres:hunter2@127.0.0.1:5432/test?schema=%s
                    models:
                      default: {provider: openai-chat, id: gpt-4o, base_url: http://127.0.0.1:9/v1, api_key: sk-test}
                    agents: [{id: researcher, name: Researcher}, {id: writer, name: Writer}]
                    teams: [{id: research-team, name: ResearchTeam, members: [researcher, writer]}]
                    server: {security_key: s3cret}
                    """.formatted(schema), "cadre.yaml", Map.of());
            try (CadreServer server = config.serverBuilder().port(0).build()) {
                assertThat(ServeCommand.banner(config, server)).containsExactly(
                        "db:        postgresql://postgres:***@127.0.0.1:5432/test?schema=" + schema,
                        "agents:    2 (researcher, writer)",
                        "teams:     1 (research-team)",
                        "auth:      security key (Authorization: Bearer <key>)",
                        "execution: local, instance " + ProcessInstance.id());
            }
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }
}
