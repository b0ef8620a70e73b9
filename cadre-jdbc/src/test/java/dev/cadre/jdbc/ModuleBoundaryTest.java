package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module's descriptor keeps its internals inside: what it exports is API only. */
class ModuleBoundaryTest {

    @Test
    void theModuleHasItsName() throws Exception {
        assertThat(descriptor().name()).isEqualTo("dev.cadre.jdbc");
    }

    @Test
    void theTestsRunOnTheModulePath() {
        assertThat(SqliteDb.class.getModule().isNamed()).isTrue();
        assertThat(ModuleBoundaryTest.class.getModule()).isSameAs(SqliteDb.class.getModule());
    }

    @Test
    void noInternalPackageIsExported() throws Exception {
        ModuleDescriptor module = descriptor();
        Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertThat(exported).isNotEmpty().noneMatch(ModuleBoundaryTest::isInternal);
        assertThat(module.exports()).as("exports to chosen modules only").noneMatch(ModuleDescriptor.Exports::isQualified);
    }

    @Test
    void internalPackagesAreOpenedOnlyToNamedModules() throws Exception {
        ModuleDescriptor module = descriptor();
        assertThat(module.isOpen()).isFalse();
        assertThat(module.opens()).filteredOn(o -> isInternal(o.source()))
                .allMatch(ModuleDescriptor.Opens::isQualified);
    }

    private static boolean isInternal(String pkg) {
        return pkg.endsWith(".internal") || pkg.contains(".internal.");
    }

    /**
     * The descriptor the JVM runs the module with; on the class path (where a module's tests may run)
     * the one compiled next to its classes.
     */
    private static ModuleDescriptor descriptor() throws Exception {
        Module module = SqliteDb.class.getModule();
        if (module.isNamed()) {
            return module.getDescriptor();
        }
        Path classes = Path.of(SqliteDb.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ModuleFinder.of(classes).findAll().iterator().next().descriptor();
    }
}
