package dev.cadre.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.Db;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.ScriptedModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With a Micrometer registry in the application, the starter's run manager measures its runs into it. */
class CadreMetricsWiringTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CadreAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Helper {
        @Bean
        Agent helper(Db db, RunManager runs) {
            return Agent.builder().name("Helper").model(ScriptedModel.of(ScriptedModel.Reply.text("fine")))
                    .db(db).runManager(runs).build();
        }
    }

    @Test
    void runsAreCountedAndTheRunManagersGaugesAreInTheApplicationsRegistry() {
        runner.withUserConfiguration(Helper.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context.getBean(Agent.class).run("go").status()).isEqualTo(RunStatus.COMPLETED);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("cadre.runs.ended").tag("component", "Helper")
                            .tag("status", "COMPLETED").counter().count()).isEqualTo(1.0);
                    assertThat(registry.get("cadre.runs.in_flight").gauge().value()).isZero();
                    assertThat(registry.get("cadre.runs.queued").gauge().value()).isZero();
                });
    }

    @Test
    void withoutARegistryTheRunManagerIsBuiltWithoutMetrics() {
        runner.withUserConfiguration(Helper.class).run(context -> {
            assertThat(context).doesNotHaveBean(MeterRegistry.class);
            assertThat(context.getBean(Agent.class).run("go").status()).isEqualTo(RunStatus.COMPLETED);
        });
    }
}
