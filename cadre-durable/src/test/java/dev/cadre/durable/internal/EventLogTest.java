package dev.cadre.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.Db;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.TeamRunContentCompleted;
import dev.cadre.event.TeamRunContinued;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The durable runs' event log on the test PostgreSQL, without DBOS: what one execution appends a reader on another
 * connection follows, in order, live, to the run's end; a second execution (a resume) drops the repeats, says
 * where it went on, and its new events follow; ended runs are forgotten after the retention.
 */
class EventLogTest {

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private EventLog log(String instance, Duration retention) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(TestPostgres.url());
        EventSignals signals = new EventSignals(ds);
        EventLog log = new EventLog(ds, signals, schema.name(), instance, retention);
        log.start();
        signals.start();
        open.add(signals);
        open.add(log);
        return log;
    }

    /** A team run's events need no model: they are made by hand. */
    private static RunEvent text(String runId, String text) {
        return new TeamRunContent(Instant.now(), runId, "s1", Optional.empty(), "team", "Team", text, "");
    }

    private static RunEvent textDone(String runId) {
        return new TeamRunContentCompleted(Instant.now(), runId, "s1", Optional.empty(), "team", "Team");
    }

    private static RunEvent end(String runId) {
        return new TeamRunCancelled(Instant.now(), runId, "s1", Optional.empty(), "team", "Team", "stop", "partial",
                RunStatus.CANCELLED);
    }

    private static List<String> read(EventFollower f, int n) {
        List<String> out = new ArrayList<>();
        var it = f.iterator();
        while (out.size() < n && it.hasNext()) {
            RunEvent e = it.next();
            out.add(switch (e) {
                case TeamRunContinued c -> c.content();
                case TeamRunContent c -> c.content();
                default -> e.event();
            });
        }
        return out;
    }

    @Test
    void aReaderFollowsLiveFromAnyIndexAndAResumedExecutionDropsItsRepeatsAndSaysWhereItWentOn() throws Exception {
        EventLog first = log("node-a", EventLog.RETENTION);
        EventLog second = log("node-b", EventLog.RETENTION);
        Db db = new dev.cadre.db.InMemoryDb(); // the reader asks the store only when the log has no end
        EventFollower reader = second.follow(db, "r1", "s1", 0);
        open.add(reader);
        var a = first.appender("r1");
        a.accept(textDone("r1"));
        a.accept(text("r1", "hello"));
        assertThat(read(reader, 2)).containsExactly("TeamRunContentCompleted", "hello");

        // The process died; another executes the run again: it repeats the first event (a replayed step's), and
        // its text comes anew.
        var b = second.appender("r1");
        b.accept(textDone("r1"));
        b.accept(text("r1", "again"));
        CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> read(reader, 10));
        b.accept(end("r1"));

        List<String> after = rest.get();
        assertThat(after).hasSize(3);
        assertThat(after.get(0)).startsWith("Resumed on node-b after node-a stopped");
        assertThat(after.subList(1, 3)).containsExactly("again", "TeamRunCancelled");
        try (EventFollower late = first.follow(db, "r1", "s1", 2)) {
            assertThat(read(late, 10)).as("from index 2").hasSize(3).endsWith("again", "TeamRunCancelled");
        }
        b.endIfMissing(end("r1"));
        assertThat(second.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(count("r1")).as("an end the log has is not logged again").isEqualTo(5);
    }

    @Test
    void theEventsOfEndedRunsAreForgottenAfterTheRetentionAndThoseOfRunsGoingOnAreKept() throws Exception {
        EventLog log = log("node-a", Duration.ZERO);
        log.appender("ended").accept(end("ended"));
        log.appender("going-on").accept(text("going-on", "still running"));
        assertThat(log.flush(Duration.ofSeconds(30))).isTrue();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count("ended") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // the writer prunes when idle; the db says when it has
        }
        assertThat(count("ended")).isZero();
        assertThat(count("going-on")).isOne();
    }

    @Test
    void aBatchWhoseCommitAnswerWasLostIsNotWrittenTwice() throws Exception {
        PGSimpleDataSource real = new PGSimpleDataSource();
        real.setUrl(TestPostgres.url());
        CommitAnswerLost ds = new CommitAnswerLost(real);
        EventSignals signals = new EventSignals(real);
        EventLog log = new EventLog(ds, signals, schema.name(), "node-a", EventLog.RETENTION);
        log.start();
        signals.start();
        open.add(signals);
        open.add(log);

        ds.loseNextCommitAnswer.set(true);
        var a = log.appender("r2");
        a.accept(text("r2", "one"));
        a.accept(text("r2", "two"));
        a.accept(end("r2"));
        assertThat(log.flush(Duration.ofSeconds(30))).isTrue();

        assertThat(ds.lost.get()).as("a commit's answer was lost").isGreaterThanOrEqualTo(1);
        assertThat(count("r2")).as("each event once").isEqualTo(3);
        try (EventFollower reader = log.follow(new dev.cadre.db.InMemoryDb(), "r2", "s1", 0)) {
            assertThat(read(reader, 10)).containsExactly("one", "two", "TeamRunCancelled");
        }
    }

    /**
     * Connections whose next commit happens and then fails, as when the connection drops before the server's answer
     * arrives: the writer cannot know its batch is in.
     */
    static final class CommitAnswerLost extends org.postgresql.ds.PGSimpleDataSource {
        final java.util.concurrent.atomic.AtomicBoolean loseNextCommitAnswer = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
        private final PGSimpleDataSource real;

        CommitAnswerLost(PGSimpleDataSource real) {
            this.real = real;
        }

        @Override
        public Connection getConnection() throws java.sql.SQLException {
            Connection c = real.getConnection();
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        try {
                            Object out = method.invoke(c, args);
                            if (method.getName().equals("commit") && loseNextCommitAnswer.compareAndSet(true, false)) {
                                lost.incrementAndGet();
                                throw new java.sql.SQLException("An I/O error occurred while sending to the backend.",
                                        "08006");
                            }
                            return out;
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    private int count(String runId) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(TestPostgres.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema.name() + ".cadre_run_events WHERE run_id = '"
                        + runId + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
