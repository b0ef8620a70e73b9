package dev.cadre.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Tracer;
import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it, with OpenTelemetry's API by name. */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModuleWhichExportsOnlyItsApi() {
        Module module = CadreTracing.class.getModule();
        assertThat(ModulePathTest.class.getModule()).isSameAs(module);
        assertThat(module.getName()).isEqualTo("dev.cadre.opentelemetry");
        assertThat(module.getDescriptor().exports()).extracting(e -> e.source())
                .containsExactly("dev.cadre.opentelemetry");
        assertThat(Tracer.class.getModule().getName()).isEqualTo("io.opentelemetry.api");
    }
}
