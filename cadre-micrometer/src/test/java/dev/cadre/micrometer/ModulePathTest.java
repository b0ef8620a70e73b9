package dev.cadre.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it, with Micrometer by name. */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModuleWhichExportsOnlyItsApi() {
        Module module = CadreMetrics.class.getModule();
        assertThat(ModulePathTest.class.getModule()).isSameAs(module);
        assertThat(module.getName()).isEqualTo("dev.cadre.micrometer");
        assertThat(module.getDescriptor().exports()).extracting(e -> e.source())
                .containsExactly("dev.cadre.micrometer");
        assertThat(MeterRegistry.class.getModule().getName()).isEqualTo("micrometer.core");
    }
}
