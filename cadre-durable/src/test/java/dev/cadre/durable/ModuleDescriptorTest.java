package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module exports only its API and opens its internals (the workflows DBOS calls) only to DBOS. */
class ModuleDescriptorTest {

    @Test
    void theModuleExportsOnlyDurableRunsAndOpensItsWorkflowsOnlyToDbos() throws Exception {
        Path classes = Path.of(DurableRuns.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(classes).findAll().iterator().next().descriptor();

        assertThat(module.name()).isEqualTo("dev.cadre.durable");
        assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.cadre.durable");
        assertThat(module.opens()).singleElement().satisfies(o -> {
            assertThat(o.source()).isEqualTo("dev.cadre.durable.internal");
            assertThat(o.targets()).containsExactly("transact");
        });
    }
}
