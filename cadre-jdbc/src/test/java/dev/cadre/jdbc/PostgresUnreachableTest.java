package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.db.DbException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Needs no PostgreSQL server: it is about there being none. */
class PostgresUnreachableTest {

    @Test
    void nothing_listening_fails_fast_and_says_where_and_what_to_do() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> PostgresDb.builder().host("127.0.0.1").port(1).database("test").user("postgres")
                .connectTimeout(Duration.ofSeconds(2)).build())
                .isInstanceOf(DbException.class)
                .hasMessageContaining("cannot connect to PostgreSQL database at 127.0.0.1:1/test")
                .hasMessageContaining("Is the server running");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

}
