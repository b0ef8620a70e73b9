package dev.cadre;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it (its exports: ModuleBoundariesTest). */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModule() {
        assertThat(ModulePathTest.class.getModule()).isSameAs(Agent.class.getModule());
        assertThat(Agent.class.getModule().getName()).isEqualTo("dev.cadre.core");
    }
}
