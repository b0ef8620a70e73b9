package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.finished;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static dev.cadre.jdbc.Runs.withTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.db.DbException;
import dev.cadre.db.SessionRecord;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On PostgreSQL, what a run waits for — its accept and its end — is one statement, one round trip to the server,
 * with no separate commit; the cases that statement does not decide fall back to the full transaction. Counted on
 * the connections the store is given, so a change that quietly brings the extra round trips back fails here.
 */
class PostgresRoundTripsTest {

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final Thread testThread = Thread.currentThread();
    private HikariDataSource pool;
    private PostgresDb db;

    @BeforeEach
    void open() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.url() + "&currentSchema=" + schema.name());
        config.setMaximumPoolSize(4);
        pool = new HikariDataSource(config);
        db = PostgresDb.builder().dataSource(counting(pool)).build();
    }

    @AfterEach
    void close() {
        db.close();
        pool.close();
    }

    @Test
    void accepting_a_run_is_one_statement_that_saves_its_session_and_keeps_its_first_input() {
        int before = statements.get();
        int commitsBefore = commits.get();

        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.PENDING), "p");

        assertThat(statements.get() - before).isEqualTo(1);
        assertThat(commits.get() - commitsBefore).isZero();
        assertThat(db.getRun("r1")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.PENDING));
        SessionRecord s = db.getSession("s1").orElseThrow();
        assertThat(s.firstInput()).contains("What is new in Java 25?");
        assertThat(s.userId()).contains("user-1");
    }

    @Test
    void a_later_accept_in_the_session_keeps_its_first_input_and_moves_its_updated_at_forward_only() {
        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.PENDING), "p");
        Instant later = T0.plusSeconds(60);
        RunResult second = Runs.withContent(teamRun("r2", "s1", RunStatus.PENDING), "");
        db.startRun(new SessionRecord("s1", teamSession("s1", T0).type(), "research-team", Optional.of("user-1"),
                Optional.empty(), later, later, Optional.empty()), second, "p");
        db.startRun(teamSession("s1", T0), agentRun("m1", Optional.of("r2"), "s1", RunStatus.RUNNING), "p");

        SessionRecord s = db.getSession("s1").orElseThrow();
        assertThat(s.updatedAt()).isEqualTo(later);
        assertThat(s.firstInput()).contains("What is new in Java 25?");
        assertThat(db.getRun("m1")).isPresent();
    }

    @Test
    void an_accept_with_an_id_taken_already_is_a_conflict_and_saves_nothing() {
        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.PENDING), "p");

        assertThatThrownBy(() -> db.startRun(teamSession("s2", T0), teamRun("r1", "s2", RunStatus.PENDING), "p"))
                .isInstanceOf(DbException.class)
                .satisfies(e -> assertThat(((DbException) e).kind()).isEqualTo(DbException.Kind.CONFLICT))
                .hasMessageContaining("A run with id r1 exists already");
        assertThat(db.getSession("s2")).isEmpty();
    }

    @Test
    void ending_a_running_run_is_one_statement_that_counts_its_usage_and_touches_its_session() {
        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.RUNNING), "p");
        Instant touchedBefore = db.getSession("s1").orElseThrow().updatedAt();
        int before = statements.get();
        int commitsBefore = commits.get();

        boolean won = db.finishRun(withTokens(finished(teamRun("r1", "s1", RunStatus.RUNNING), RunStatus.COMPLETED,
                "done"), "gpt-5.2-mini", 100, 20), "p");

        assertThat(won).isTrue();
        assertThat(statements.get() - before).isEqualTo(1);
        assertThat(commits.get() - commitsBefore).isZero();
        assertThat(db.getRun("r1")).hasValueSatisfying(r -> assertThat(r.content()).isEqualTo("done"));
        SessionRecord s = db.getSession("s1").orElseThrow();
        assertThat(s.usage().tokens().inputTokens()).isEqualTo(100);
        assertThat(s.usage().tokens().outputTokens()).isEqualTo(20);
        assertThat(s.updatedAt()).isAfter(touchedBefore);
    }

    @Test
    void an_end_that_comes_second_changes_nothing_and_counts_nothing() {
        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.RUNNING), "p");
        db.finishRun(withTokens(finished(teamRun("r1", "s1", RunStatus.RUNNING), RunStatus.CANCELLED, "first"),
                "gpt-5.2-mini", 10, 1), "p");

        boolean won = db.finishRun(withTokens(finished(teamRun("r1", "s1", RunStatus.RUNNING), RunStatus.COMPLETED,
                "second"), "gpt-5.2-mini", 100, 20), "p");

        assertThat(won).isFalse();
        assertThat(db.getRun("r1")).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(r.content()).isEqualTo("first");
        });
        assertThat(db.getSession("s1").orElseThrow().usage().tokens().inputTokens()).isEqualTo(10);
    }

    @Test
    void ending_a_cancelled_team_run_with_its_members_is_one_batch_with_no_separate_commit() {
        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.RUNNING), "p");
        db.startRun(teamSession("s1", T0), agentRun("m1", Optional.of("r1"), "s1", RunStatus.RUNNING), "p");
        int before = statements.get();
        int commitsBefore = commits.get();

        java.util.List<Boolean> written = db.finishRuns(java.util.List.of(
                withTokens(finished(agentRun("m1", Optional.of("r1"), "s1", RunStatus.RUNNING), RunStatus.CANCELLED,
                        "half"), "gpt-5.2-mini", 10, 2),
                withTokens(finished(teamRun("r1", "s1", RunStatus.RUNNING), RunStatus.CANCELLED, "stopped"),
                        "gpt-5.2-mini", 100, 20)), "p");

        assertThat(written).containsExactly(true, true);
        assertThat(statements.get() - before).isEqualTo(1);
        assertThat(commits.get() - commitsBefore).isZero();
        assertThat(db.getRun("m1")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.CANCELLED));
        assertThat(db.getSession("s1").orElseThrow().usage().tokens().inputTokens()).isEqualTo(110);
    }

    @Test
    void a_missing_run_among_ends_written_together_says_so_and_the_others_are_written() {
        db.startRun(teamSession("s1", T0), teamRun("r1", "s1", RunStatus.RUNNING), "p");

        assertThatThrownBy(() -> db.finishRuns(java.util.List.of(
                finished(agentRun("nope", Optional.of("r1"), "s1", RunStatus.RUNNING), RunStatus.CANCELLED, "x"),
                finished(teamRun("r1", "s1", RunStatus.RUNNING), RunStatus.CANCELLED, "stopped")), "p"))
                .isInstanceOf(DbException.class)
                .satisfies(e -> assertThat(((DbException) e).kind()).isEqualTo(DbException.Kind.NOT_FOUND));
        assertThat(db.getRun("r1")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.CANCELLED));
    }

    @Test
    void ending_a_run_that_does_not_exist_says_so() {
        db.saveSession(teamSession("s1", T0));

        assertThatThrownBy(() -> db.finishRun(finished(teamRun("nope", "s1", RunStatus.RUNNING), RunStatus.COMPLETED,
                "x"), "p"))
                .isInstanceOf(DbException.class)
                .satisfies(e -> assertThat(((DbException) e).kind()).isEqualTo(DbException.Kind.NOT_FOUND));
    }

    /**
     * {@code target} with the statements prepared and the commits made on its connections by the test's own thread
     * counted (the store's heartbeat and cancel listener use the same pool on threads of their own).
     */
    private DataSource counting(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object out = invoke(target, method, args);
                    if (out instanceof Connection c) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                                (p, m, a) -> {
                                    switch (Thread.currentThread() == testThread ? m.getName() : "") {
                                        case "prepareStatement", "createStatement", "prepareCall" ->
                                                statements.incrementAndGet();
                                        case "commit" -> commits.incrementAndGet();
                                        default -> { }
                                    }
                                    return invoke(c, m, a);
                                });
                    }
                    return out;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
