package dev.cadre.spring.boot;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.Db;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.micrometer.CadreMetrics;
import dev.cadre.server.CadreServer;
import dev.cadre.server.config.CadreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Cadre in a Spring Boot application: the store ({@link Db}), the models of {@code cadre.models}
 * ({@link CadreModels}), one {@link RunManager} whose runs end with the context ({@link CadreLifecycle}), the agents
 * and teams of a {@code cadre.config} file as beans, and the AgentOS HTTP API when {@code cadre.server.enabled}. Each
 * bean gives way to one of the application's own of its type.
 *
 * <p>Agents and teams the application defines as beans share the store and run manager when it builds them with the
 * injected ones: {@code Agent.builder()...db(db).runManager(runs)}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(CadreProperties.class)
@Import(CadreConfigFileRegistrar.class)
public class CadreAutoConfiguration {

    /** The models of {@code cadre.models.<name>}. */
    @Bean
    @ConditionalOnMissingBean
    public CadreModels cadreModels(CadreProperties properties) {
        return CadreModels.of(properties.models());
    }

    /**
     * {@code cadre.db}; else the {@code db:} of the {@code cadre.config} file; else the application's
     * {@code DataSource} when it is PostgreSQL's; else an in-memory store. Closed with the context.
     */
    @Bean
    @ConditionalOnMissingBean
    public Db cadreDb(CadreProperties properties, ObjectProvider<CadreConfig.Components> file,
            ObjectProvider<DataSource> dataSource) {
        return CadreStores.open(properties, Optional.ofNullable(file.getIfAvailable()),
                Optional.ofNullable(dataSource.getIfUnique()));
    }

    /**
     * The run manager of a {@code cadre.config} file's components, else a new one; on PostgreSQL a cancel through any
     * process sharing the store reaches the one running the run at once. When the application has one Micrometer
     * {@link MeterRegistry} (Actuator makes one), the new manager's runs are measured into it by {@link CadreMetrics}
     * ({@code cadre.runs.*}, {@code cadre.model.*}, …), its running and queued runs as gauges.
     */
    @Bean
    @ConditionalOnMissingBean
    public RunManager cadreRunManager(Db db, ObjectProvider<CadreConfig.Components> file,
            ObjectProvider<MeterRegistry> registries) {
        CadreConfig.Components components = file.getIfAvailable();
        if (components != null) {
            return components.runManager();
        }
        RunManager.Builder builder = RunManager.builder().cancellationManager(JdbcDbs.cancellations(db));
        MeterRegistry registry = registries.getIfUnique();
        if (registry == null) {
            return builder.build();
        }
        CadreMetrics metrics = CadreMetrics.create(registry);
        RunManager runs = builder.listener(metrics).build();
        metrics.bind(runs);
        return runs;
    }

    /** Starts the HTTP API (when there is one) with the context and shuts the run manager down with it. */
    @Bean
    @ConditionalOnMissingBean
    public CadreLifecycle cadreLifecycle(RunManager runManager, ObjectProvider<CadreServer> server,
            CadreProperties properties, ObjectProvider<Agent> agents, ObjectProvider<Team> teams) {
        return new CadreLifecycle(runManager, Optional.ofNullable(server.getIfAvailable()),
                properties.shutdown().grace(), () -> {
                    List<Component<?>> all = new ArrayList<>(agents.orderedStream().toList());
                    all.addAll(teams.orderedStream().toList());
                    return all;
                });
    }

    /**
     * The AgentOS HTTP API on {@code cadre.server.host:port}, serving every {@link Agent} and {@link Team} bean;
     * started and stopped by {@link CadreLifecycle}.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "cadre.server", name = "enabled", havingValue = "true")
    public CadreServer cadreServer(CadreProperties properties, Db db, RunManager runManager,
            ObjectProvider<Agent> agents, ObjectProvider<Team> teams) {
        CadreProperties.Server settings = properties.server();
        CadreServer.Builder b = CadreServer.builder().db(db).runManager(runManager)
                .agents(agents.orderedStream().toList()).teams(teams.orderedStream().toList())
                .host(settings.host()).port(settings.port());
        if (settings.securityKey() != null && !settings.securityKey().isBlank()) {
            b.securityKey(settings.securityKey());
        }
        return b.build();
    }
}
