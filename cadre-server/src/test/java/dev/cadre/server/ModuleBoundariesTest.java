package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.jdbc.SqliteDb;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.testkit.FakeOpenAIServer;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every library module keeps its internals inside: it exports API packages only, to everyone, and opens an
 * internal package only to the modules that need it (Jackson). Read from each module's compiled descriptor.
 */
class ModuleBoundariesTest {

    private static final Map<String, Class<?>> MODULES = Map.of("dev.cadre.core", Agent.class,
            "dev.cadre.testkit", FakeOpenAIServer.class, "dev.cadre.openai", OpenAIChat.class,
            "dev.cadre.jdbc", SqliteDb.class, "dev.cadre.server", CadreServer.class,
            "dev.cadre.micrometer", dev.cadre.micrometer.CadreMetrics.class);

    @ParameterizedTest
    @ValueSource(strings = {"dev.cadre.core", "dev.cadre.testkit", "dev.cadre.openai", "dev.cadre.jdbc",
            "dev.cadre.server", "dev.cadre.micrometer"})
    void aModuleExportsOnlyItsApiAndOpensItsInternalsOnlyToNamedModules(String name) throws Exception {
        ModuleDescriptor module = descriptor(MODULES.get(name));

        assertThat(module.name()).isEqualTo(name);
        assertThat(module.isOpen()).isFalse();
        assertThat(module.exports()).isNotEmpty()
                .noneMatch(e -> isInternal(e.source()))
                .as("exports to chosen modules only").noneMatch(ModuleDescriptor.Exports::isQualified);
        assertThat(module.opens()).filteredOn(o -> isInternal(o.source())).allMatch(ModuleDescriptor.Opens::isQualified);
    }

    private static boolean isInternal(String pkg) {
        return pkg.endsWith(".internal") || pkg.contains(".internal.");
    }

    /** The descriptor the module runs with; on the class path (as here), the one compiled beside its classes. */
    private static ModuleDescriptor descriptor(Class<?> member) throws Exception {
        Module module = member.getModule();
        if (module.isNamed()) {
            return module.getDescriptor();
        }
        Path classes = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ModuleFinder.of(classes).findAll().iterator().next().descriptor();
    }
}
