package dev.cadre.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.Db;
import dev.cadre.db.InMemoryDb;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.SqliteDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What the auto-configuration sets up, and what gives way to the application's own beans. */
class CadreAutoConfigurationTest {

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CadreAutoConfiguration.class, CadreHealthAutoConfiguration.class));

    @Test
    void cadre_db_opens_the_store_it_names_in_the_forms_of_the_command_line() {
        runner.withPropertyValues("cadre.db=sqlite:" + dir.resolve("cadre.db")).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Db.class).hasSingleBean(RunManager.class);
            assertThat(context.getBean(Db.class)).isInstanceOf(SqliteDb.class);
        });
        assertThat(dir.resolve("cadre.db")).exists();
    }

    @Test
    void an_application_db_bean_wins_over_cadre_db() {
        InMemoryDb own = new InMemoryDb();
        runner.withBean(Db.class, () -> own).withPropertyValues("cadre.db=not-a-store:at-all").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Db.class)).isSameAs(own);
        });
    }

    @Test
    void a_bad_cadre_db_fails_the_start_naming_the_property() {
        runner.withPropertyValues("cadre.db=mysql://u:secret@db/app").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("Unknown store");
            assertThat(context.getStartupFailure()).hasStackTraceContaining("cadre.db 'mysql://u:***@db/app' is not a "
                    + "store Cadre can open").hasStackTraceContaining("Use sqlite:<file>");
            java.io.StringWriter trace = new java.io.StringWriter();
            context.getStartupFailure().printStackTrace(new java.io.PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain("secret");
            org.springframework.boot.diagnostics.FailureAnalysis analysis = new CadreFailureAnalyzer()
                    .analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("cadre.db 'mysql://u:***@db/app' is not a store");
            assertThat(analysis.getAction()).startsWith("Correct cadre.db");
        });
    }

    @Test
    void without_cadre_db_the_applications_postgresql_data_source_holds_the_store_and_stays_open() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + schema.name());
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            // Not AutoCloseable as a bean, so that the context leaves it open as well: what is closed is Cadre's doing.
            runner.withBean(DataSource.class, () -> new Unclosable(pool)).run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(Db.class)).isInstanceOf(PostgresDb.class);
                assertThat(((PostgresDb) context.getBean(Db.class)).url())
                        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
            });
            assertThat(pool.isClosed()).as("the application's pool is the application's to close").isFalse();
            TestPostgres.execute("SELECT count(*) FROM " + schema.name() + ".cadre_runs");
        }
    }

    @Test
    void with_no_store_configured_runs_are_kept_in_memory() {
        runner.run(context -> assertThat(context.getBean(Db.class)).isInstanceOf(InMemoryDb.class));
    }

    @Test
    void cadre_models_are_built_by_name_with_their_provider() {
        runner.withPropertyValues("cadre.models.default.id=gpt-5.2-mini", "cadre.models.chat.provider=openai-chat",
                "cadre.models.chat.id=gpt-4o", "cadre.models.chat.base-url=http://127.0.0.1:1/v1",
                "cadre.models.chat.api-key=sk-test").run(context -> {
                    CadreModels models = context.getBean(CadreModels.class);
                    assertThat(models.names()).containsExactly("chat", "default");
                    assertThat(models.get("default")).isInstanceOf(OpenAIResponses.class);
                    assertThat(models.get("chat")).isInstanceOf(OpenAIChat.class);
                    assertThat(models.find("other")).isEmpty();
                });
    }

    @Test
    void an_unknown_provider_fails_the_start_naming_the_property() {
        runner.withPropertyValues("cadre.models.default.id=x", "cadre.models.default.provider=openai-foo")
                .run(context -> {
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("cadre.models.default.provider: "
                            + "'openai-foo' is not one of openai-responses, openai-chat, anthropic, gemini");
                    assertThat(new CadreFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
                            .startsWith("Correct cadre.models.default.provider");
                });
    }

    @Test
    void the_agents_and_teams_of_a_cadre_config_file_are_beans_on_its_store_and_run_manager() throws Exception {
        Path yaml = dir.resolve("cadre.yaml");
        Files.writeString(yaml, """
                db: sqlite:%s
                models:
                  default: {provider: openai-chat, id: gpt-4o, base_url: http://127.0.0.1:1/v1, api_key: sk-test}
                agents:
                  - {id: researcher, name: Researcher, role: Research topics and provide factual information.}
                  - {id: writer, name: Writer, role: Write clear and concise summaries.}
                teams:
                  - {id: research-team, name: ResearchTeam, members: [researcher, writer]}
                """.formatted(dir.resolve("file.db")));
        runner.withPropertyValues("cadre.config=" + yaml).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(Agent.class)).containsOnlyKeys("researcher", "writer");
            Team team = context.getBean("research-team", Team.class);
            assertThat(team.name()).isEqualTo("ResearchTeam");
            assertThat(team.db()).containsSame(context.getBean(Db.class));
            assertThat(context.getBean(Db.class)).isInstanceOf(SqliteDb.class);
        });
    }

    @Test
    void a_bad_cadre_config_file_fails_the_start_with_its_line() throws Exception {
        Path yaml = dir.resolve("cadre.yaml");
        Files.writeString(yaml, """
                models:
                  default: {provider: openai-foo, id: gpt-4o}
                """);
        runner.withPropertyValues("cadre.config=" + yaml).run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("cadre.yaml:2: models.default.provider: 'openai-foo' is not one of")
                .satisfies(failure -> assertThat(new CadreFailureAnalyzer().analyze(failure).getDescription())
                        .startsWith("cadre.yaml:2:")));
    }

    @Test
    void cadre_db_beside_a_cadre_config_file_is_refused_as_two_stores() throws Exception {
        Path yaml = dir.resolve("cadre.yaml");
        Files.writeString(yaml, "db: sqlite:" + dir.resolve("file.db") + "\n"
                + "models: {default: {provider: openai-chat, id: gpt-4o, api_key: sk-test}}\n"
                + "agents: [{id: writer, name: Writer}]\n");
        runner.withPropertyValues("cadre.config=" + yaml, "cadre.db=memory").run(context -> assertThat(context
                .getStartupFailure()).hasStackTraceContaining("cadre.db and cadre.config both name a store"));
    }

    /** The application's pool as a DataSource and nothing more. */
    private record Unclosable(DataSource pool) implements DataSource {
        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            return pool.getConnection();
        }

        @Override
        public java.sql.Connection getConnection(String user, String password) throws java.sql.SQLException {
            return pool.getConnection(user, password);
        }

        @Override
        public java.io.PrintWriter getLogWriter() throws java.sql.SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) throws java.sql.SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws java.sql.SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws java.sql.SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
            return pool.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws java.sql.SQLException {
            return pool.isWrapperFor(type);
        }
    }
}
