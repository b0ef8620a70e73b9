package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This module's tests run inside the module, as its users' code meets it (its exports: ModuleBoundariesTest). */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModule() {
        assertThat(ModulePathTest.class.getModule()).isSameAs(SqliteDb.class.getModule());
        assertThat(SqliteDb.class.getModule().getName()).isEqualTo("dev.cadre.jdbc");
    }
}
