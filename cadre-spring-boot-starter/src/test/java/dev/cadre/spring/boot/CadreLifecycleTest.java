package dev.cadre.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRefusedException;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.server.CadreServer;
import dev.cadre.testkit.ScriptedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The run manager, the HTTP API and the health indicator, as the application context starts and closes. */
class CadreLifecycleTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CadreAutoConfiguration.class, CadreHealthAutoConfiguration.class));

    /** An agent bean on the starter's store and run manager whose model never answers until it is aborted. */
    @Configuration(proxyBeanMethods = false)
    static class StuckAgent {

        @Bean
        ScriptedModel model() {
            return ScriptedModel.of(ScriptedModel.Reply.stall());
        }

        @Bean
        Agent stuck(ScriptedModel model, Db db, RunManager runs) {
            return Agent.builder().name("Stuck").model(model).db(db).runManager(runs).build();
        }
    }

    @Test
    void closing_the_context_shuts_the_run_manager_down_and_cancels_a_stuck_run() throws Exception {
        AtomicReference<Run<RunOutput>> run = new AtomicReference<>();
        AtomicReference<RunManager> manager = new AtomicReference<>();
        AtomicReference<Agent> agent = new AtomicReference<>();
        runner.withUserConfiguration(StuckAgent.class).withPropertyValues("cadre.shutdown.grace=0s").run(context -> {
            agent.set(context.getBean(Agent.class));
            manager.set(context.getBean(RunManager.class));
            run.set(agent.get().start(RunRequest.of("Tell me everything")));
            assertThat(context.getBean(ScriptedModel.class).awaitCalls(1, BOUND)).isTrue();
            assertThat(run.get().status()).isEqualTo(RunStatus.RUNNING);
        });

        RunOutput end = run.get().await(BOUND).orElseThrow();
        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(manager.get().activeRunIds()).isEmpty();
        assertThatThrownBy(() -> agent.get().start(RunRequest.of("Anyone there?")))
                .isInstanceOfSatisfying(RunRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RunRefusedException.Reason.SHUT_DOWN));
    }

    @Test
    void health_is_up_while_the_store_answers_and_counts_the_runs_in_flight() {
        runner.run(context -> {
            Health health = context.getBean(CadreHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("runsInFlight", 0).containsKey("store");
        });
    }

    @Test
    void health_is_down_with_the_stores_reason_when_it_does_not_answer() {
        Db unreachable = new ForwardingDb(new InMemoryDb()) {
            @Override
            public void ping() {
                throw new DbException(DbException.Kind.UNAVAILABLE, "cannot connect to PostgreSQL database at "
                        + "127.0.0.1:5432/test (Connection refused)");
            }
        };
        runner.withBean(Db.class, () -> unreachable).run(context -> {
            Health health = context.getBean(CadreHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("error")).contains("does not answer")
                    .contains("Connection refused");
        });
    }

    @Test
    void the_health_indicator_can_be_turned_off() {
        runner.withPropertyValues("management.health.cadre.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CadreHealthIndicator.class));
    }

    @Test
    void the_agentos_api_serves_the_agent_beans_on_its_own_port_and_stops_with_the_context() throws Exception {
        AtomicReference<String> baseUrl = new AtomicReference<>();
        HttpClient http = HttpClient.newHttpClient();
        runner.withUserConfiguration(StuckAgent.class)
                .withPropertyValues("cadre.server.enabled=true", "cadre.server.port=0", "cadre.server.security-key=k")
                .run(context -> {
                    baseUrl.set(context.getBean(CadreServer.class).baseUrl());
                    URI list = URI.create(baseUrl.get() + "/agents");
                    HttpResponse<String> agents = http.send(HttpRequest.newBuilder(list)
                            .header("Authorization", "Bearer k").build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(agents.statusCode()).isEqualTo(200);
                    assertThat(agents.body()).contains("\"id\":\"stuck\"");
                    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(list).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(refused.statusCode()).isEqualTo(401);
                });

        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(baseUrl.get() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void without_cadre_server_enabled_there_is_no_http_api() {
        runner.run(context -> assertThat(context).doesNotHaveBean(CadreServer.class));
    }

    @Test
    void an_application_run_manager_wins_and_is_the_one_shut_down() {
        RunManager own = RunManager.builder().build();
        runner.withBean(RunManager.class, () -> own).run(context -> {
            assertThat(context.getBean(RunManager.class)).isSameAs(own);
            assertThat(context.getBean(CadreLifecycle.class).isRunning()).isTrue();
        });
        assertThatThrownBy(() -> Agent.builder().name("Late").model(ScriptedModel.of(ScriptedModel.Reply.text("hi")))
                .runManager(own).build().start(RunRequest.of("hi"))).isInstanceOf(RunRefusedException.class);
    }

    @Test
    void an_agent_bean_built_without_the_run_manager_is_named_as_outside_the_shutdown() {
        runner.withUserConfiguration(StuckAgent.class)
                .withBean("stray", Agent.class, () -> Agent.builder().name("Stray")
                        .model(ScriptedModel.of(ScriptedModel.Reply.text("hi"))).build())
                .run(context -> assertThat(context.getBean(CadreLifecycle.class).outside()).containsExactly("stray"));
    }
}
