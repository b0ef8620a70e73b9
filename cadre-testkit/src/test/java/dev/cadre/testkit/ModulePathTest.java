package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it (its exports: ModuleBoundariesTest). */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModule() {
        assertThat(ModulePathTest.class.getModule()).isSameAs(FakeOpenAIServer.class.getModule());
        assertThat(FakeOpenAIServer.class.getModule().getName()).isEqualTo("dev.cadre.testkit");
    }
}
