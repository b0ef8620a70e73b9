package dev.cadre.spring.boot;

import dev.cadre.RunManager;
import dev.cadre.db.Db;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code cadre} health indicator ({@link CadreHealthIndicator}), where the application has Spring Boot's health
 * support (Actuator); {@code management.health.cadre.enabled=false} turns it off.
 */
@AutoConfiguration(after = CadreAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({Db.class, RunManager.class})
@ConditionalOnEnabledHealthIndicator("cadre")
public class CadreHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "cadreHealthIndicator")
    public CadreHealthIndicator cadreHealthIndicator(Db db, RunManager runManager) {
        return new CadreHealthIndicator(db, runManager);
    }
}
