package dev.cadre.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.db.DbException;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Work of a durable run that failed because the database was unreachable is done again once it answers. */
class DbWaitTest {

    private final AtomicInteger downFor = new AtomicInteger();
    private final DbWait wait = new DbWait(new ForwardingDb(new InMemoryDb()) {
        @Override
        public void ping() {
            if (downFor.getAndDecrement() > 0) {
                throw unavailable();
            }
        }
    });

    private static DbException unavailable() {
        return new DbException(DbException.Kind.UNAVAILABLE, "the database has been unreachable since a while");
    }

    @Test
    void work_that_failed_while_the_database_was_down_is_done_again_when_it_answers() {
        downFor.set(2);
        AtomicInteger tries = new AtomicInteger();
        String value = wait.patiently(() -> {
            if (tries.incrementAndGet() < 3) {
                throw unavailable();
            }
            return "claimed";
        });
        assertThat(value).isEqualTo("claimed");
        assertThat(tries).hasValue(3);
        assertThat(downFor.get()).as("it asked the database until it answered").isNegative();
    }

    @Test
    void other_failures_are_the_work_s() {
        DbException conflict = new DbException(DbException.Kind.CONFLICT, "exists already");
        assertThatThrownBy(() -> wait.patiently(() -> {
            throw conflict;
        })).isSameAs(conflict);
    }

    @Test
    void work_that_did_what_must_not_be_done_twice_is_not_done_again() {
        AtomicInteger tries = new AtomicInteger();
        DbException down = unavailable();
        // Its steps began: a second go in the same workflow execution would redo them, not replay them.
        assertThatThrownBy(() -> wait.patiently(() -> {
            tries.incrementAndGet();
            throw down;
        }, () -> false)).isSameAs(down);
        assertThat(tries).hasValue(1);
    }

    @Test
    void an_interrupt_ends_the_wait_with_the_failure() throws Exception {
        downFor.set(Integer.MAX_VALUE);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                wait.patiently(() -> {
                    throw unavailable();
                });
            } catch (DbException e) {
                failed.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt lost"));
            }
        });
        t.interrupt();
        assertThat(failed.get(30, TimeUnit.SECONDS)).isInstanceOf(DbException.class);
    }
}
