package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it. */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModule() {
        assertThat(ModulePathTest.class.getModule()).isSameAs(AnthropicModel.class.getModule());
        assertThat(AnthropicModel.class.getModule().getName()).isEqualTo("dev.cadre.anthropic");
        assertThat(AnthropicModel.class.getModule().getDescriptor().exports())
                .extracting(e -> e.source()).containsExactly("dev.cadre.anthropic");
    }
}
