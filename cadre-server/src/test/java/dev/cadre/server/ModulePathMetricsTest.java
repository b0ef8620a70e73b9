package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The server's tests run on the class path (see the pom), so this one resolves the server's module graph from its
 * jars as the module path would, and scrapes a Prometheus registry loaded in it: Micrometer's and the Prometheus
 * client's automatic modules (with the exposition formats the registry finds at run time) must resolve beside
 * Cadre's named modules, with no split package.
 */
class ModulePathMetricsTest {

    /**
     * The class path without test classes and test jars: what an application puts on its module path. Less JSR 305's
     * annotations (from the Gemini SDK's auth library), which split {@code javax.annotation} with
     * {@code javax.annotation-api} (from its API library): a conflict between two of that SDK's dependencies that
     * any automatic module on the path reports, which an application on the module path settles the same way,
     * by leaving the annotations-only jar out (annotations missing at run time are ignored).
     */
    private static ModuleFinder mainJars() {
        Path[] entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("-tests.jar"))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("jsr305-"))
                .map(Path::of).toArray(Path[]::new);
        return ModuleFinder.of(entries);
    }

    @Test
    void theServersModulesResolveAndAPrometheusRegistryScrapesInThem() throws Exception {
        ModuleLayer boot = ModuleLayer.boot();
        Configuration graph = boot.configuration().resolve(mainJars(), ModuleFinder.ofSystem(),
                Set.of("dev.cadre.server", "dev.cadre.micrometer"));
        ModuleLayer layer = boot.defineModulesWithOneLoader(graph, ClassLoader.getPlatformClassLoader());

        assertThat(layer.findModule("micrometer.registry.prometheus")).isPresent();
        assertThat(layer.findModule("io.prometheus.writer.text")).isPresent();
        assertThat(layer.findModule("dev.cadre.server").orElseThrow().canRead(
                layer.findModule("micrometer.registry.prometheus").orElseThrow())).isTrue();

        ClassLoader loader = layer.findLoader("micrometer.registry.prometheus");
        Class<?> config = loader.loadClass("io.micrometer.prometheusmetrics.PrometheusConfig");
        Class<?> registryType = loader.loadClass("io.micrometer.prometheusmetrics.PrometheusMeterRegistry");
        assertThat(registryType.getModule().getName()).isEqualTo("micrometer.registry.prometheus");
        Object registry = registryType.getConstructor(config).newInstance(config.getField("DEFAULT").get(null));
        Object counter = registryType.getMethod("counter", String.class, String[].class)
                .invoke(registry, "cadre.probe", new String[] {"status", "COMPLETED"});
        counter.getClass().getMethod("increment").invoke(counter);

        String text = (String) registryType.getMethod("scrape", String.class)
                .invoke(registry, "text/plain; version=0.0.4; charset=utf-8");
        String openMetrics = (String) registryType.getMethod("scrape", String.class)
                .invoke(registry, "application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertThat(text).contains("cadre_probe_total{status=\"COMPLETED\"} 1.0");
        assertThat(openMetrics).contains("cadre_probe_total{status=\"COMPLETED\"} 1.0").endsWith("# EOF\n");
    }
}
