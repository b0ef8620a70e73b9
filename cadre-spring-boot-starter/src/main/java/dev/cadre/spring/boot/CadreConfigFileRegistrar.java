package dev.cadre.spring.boot;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.Team;
import dev.cadre.server.config.CadreConfig;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * With {@code cadre.config} set: reads that {@code cadre.yaml} (the format of {@code cadre serve --config}) while the
 * context is defined, so a bad file fails the start with its line, and registers what it builds — its components
 * ({@code cadreConfigComponents}: store, run manager, MCP clients, closed with the context) and each agent and team
 * as a bean named by its id, of type {@link Agent} or {@link Team}.
 */
final class CadreConfigFileRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

    static final String COMPONENTS = "cadreConfigComponents";

    private Environment environment;
    private BeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Path file = Binder.get(environment).bind("cadre.config", Path.class).orElse(null);
        if (file == null) {
            return;
        }
        CadreConfig config = CadreConfig.load(file);
        AbstractBeanDefinition components = BeanDefinitionBuilder
                .genericBeanDefinition(CadreConfig.Components.class, config::build)
                .setDestroyMethodName("close").getBeanDefinition();
        registry.registerBeanDefinition(COMPONENTS, components);
        for (CadreConfig.AgentConfig a : config.agents()) {
            register(registry, a.id(), Agent.class, () -> (Agent) component(a.id()));
        }
        for (CadreConfig.TeamConfig t : config.teams()) {
            register(registry, t.id(), Team.class, () -> (Team) component(t.id()));
        }
    }

    private Component<?> component(String id) {
        return beanFactory.getBean(COMPONENTS, CadreConfig.Components.class).find(id).orElseThrow();
    }

    private static <T> void register(BeanDefinitionRegistry registry, String id, Class<T> type, Supplier<T> supplier) {
        AbstractBeanDefinition definition = BeanDefinitionBuilder.genericBeanDefinition(type, supplier)
                .addDependsOn(COMPONENTS).getBeanDefinition();
        registry.registerBeanDefinition(id, definition);
    }
}
