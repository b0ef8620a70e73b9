package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it. */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModule() {
        assertThat(ModulePathTest.class.getModule()).isSameAs(GeminiModel.class.getModule());
        assertThat(GeminiModel.class.getModule().getName()).isEqualTo("dev.cadre.gemini");
    }
}
