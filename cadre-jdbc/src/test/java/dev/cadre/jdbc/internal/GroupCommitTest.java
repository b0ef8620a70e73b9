package dev.cadre.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.db.DbException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * SQLite's writes committed in groups: what waits while a group commits goes into the next one, each write in its
 * own savepoint, urgent writes first; a write's failure is its own, a failed commit is everyone's. The writer is held
 * inside a write (on a latch) wherever a test needs writes to wait together, so nothing here depends on timing.
 */
@Timeout(120) // a regression that leaves a caller waiting fails the build instead of hanging it
class GroupCommitTest {

    @TempDir
    Path dir;

    private HikariDataSource writes;
    private HikariDataSource reads;
    private JdbcCalls calls;

    @BeforeEach
    void open() throws SQLException {
        writes = pool("writer", true, 1);
        reads = pool("reader", false, 2);
        try (Connection c = writes.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE parent (id TEXT PRIMARY KEY)");
            s.execute("CREATE TABLE item (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent (id))");
        }
        open(Duration.ofSeconds(30));
    }

    /** The clock that times a write's wait for its group: moved by the tests, never by time passing. */
    private final AtomicLong clock = new AtomicLong();

    private void open(Duration patience) {
        SqlErrors errors = new SqlErrors(Dialect.SQLITE, "SQLite database under test", "busy");
        calls = new JdbcCalls(Dialect.SQLITE, reads, writes, errors, new Availability(errors, reads,
                Duration.ofMillis(500)), Duration.ZERO, Optional.empty(), patience, true, clock::get);
    }

    @AfterEach
    void close() {
        calls.close();
        writes.close();
        reads.close();
    }

    private HikariDataSource pool(String name, boolean writer, int size) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setTransactionMode(writer ? SQLiteConfig.TransactionMode.IMMEDIATE
                : SQLiteConfig.TransactionMode.DEFERRED);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + dir.resolve("group.db"));
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setDataSource(source);
        hikari.setMaximumPoolSize(size);
        return new HikariDataSource(hikari);
    }

    private GroupCommit group() {
        return calls.groupCommit().orElseThrow();
    }

    private static JdbcCalls.SqlWork<Void> insert(String table, String id) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        };
    }

    private List<String> ids(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = reads.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Holds the writer inside a write until the returned latch is counted down. */
    private CountDownLatch holdTheWriter(List<CompletableFuture<?>> writes) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        writes.add(CompletableFuture.runAsync(() -> calls.write("Holding the writer", c -> {
            inside.countDown();
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        }), r -> Thread.ofVirtual().start(r)));
        assertThat(inside.await(30, TimeUnit.SECONDS)).as("the writer is inside the holding write").isTrue();
        return release;
    }

    private CompletableFuture<Object> writeLater(String action, JdbcCalls.SqlWork<?> work, boolean urgent) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(calls.write(action, work, urgent));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private void awaitWaiting(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a safety net, never a condition
        while (group().waiting() < n) {
            assertThat(System.nanoTime() - deadline).as(n + " writes waiting").isNegative();
            Thread.onSpinWait();
        }
    }

    @Test
    void writesThatWaitTogetherAreCommittedInOneTransaction() throws Exception {
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        long before = group().groups();
        List<CompletableFuture<Object>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(writeLater("Inserting " + i, insert("parent", "p" + (100 + i)), false));
        }
        awaitWaiting(20);

        release.countDown();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(group().groups() - before).as("the held group, then one for the twenty").isEqualTo(1);
        assertThat(ids("parent")).hasSize(20);
    }

    @Test
    void aWriteThatFailsRollsBackOnlyItselfAndTheOthersOfItsGroupAreCommitted() throws Exception {
        calls.write("Inserting the first", insert("parent", "taken"));
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        CompletableFuture<Object> before = writeLater("Inserting a", insert("parent", "a"), false);
        awaitWaiting(1);
        CompletableFuture<Object> failing = writeLater("Inserting taken again", c -> {
            insert("parent", "half-done").run(c); // rolled back with its savepoint
            return insert("parent", "taken").run(c);
        }, false);
        awaitWaiting(2);
        CompletableFuture<Object> after = writeLater("Inserting b", insert("parent", "b"), false);
        awaitWaiting(3);

        release.countDown();

        before.get(30, TimeUnit.SECONDS);
        after.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(DbException.class)
                .hasMessageContaining("Inserting taken again");
        assertThat(ids("parent")).containsExactly("a", "b", "taken");
    }

    @Test
    void aCommitThatFailsFailsEveryWriteOfTheGroupAndKeepsNoneOfThem() throws Exception {
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        CompletableFuture<Object> fine = writeLater("Inserting fine", insert("parent", "fine"), false);
        awaitWaiting(1);
        // A foreign key checked at the commit: the statement passes, the commit does not.
        CompletableFuture<Object> orphan = writeLater("Inserting an orphan", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA defer_foreign_keys = ON");
                s.execute("INSERT INTO item (id, parent) VALUES ('i1', 'no-such-parent')");
            }
            return null;
        }, false);
        awaitWaiting(2);

        release.countDown();

        assertThatThrownBy(() -> fine.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(DbException.class)
                .hasMessageContaining("Inserting fine");
        assertThatThrownBy(() -> orphan.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(DbException.class);
        assertThat(ids("parent")).isEmpty();
        assertThat(ids("item")).isEmpty();
        calls.write("Inserting after", insert("parent", "after"));
        assertThat(ids("parent")).as("the writer goes on").containsExactly("after");
    }

    @Test
    void urgentWritesGoBeforeTheOthersWaiting() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        List<CompletableFuture<Object>> all = new ArrayList<>();
        for (String name : List.of("progress-1", "progress-2")) {
            all.add(writeLater(name, c -> order.add(name), false));
            awaitWaiting(all.size());
        }
        all.add(writeLater("accept", c -> order.add("accept"), true));
        awaitWaiting(3);

        release.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(order).containsExactly("accept", "progress-1", "progress-2");
    }

    @Test
    void aWriteThatWaitedLongerThanThePatienceFailsAsTooBusy() throws Exception {
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        CompletableFuture<Object> late = writeLater("Inserting late", insert("parent", "late"), false);
        awaitWaiting(1);
        clock.addAndGet(Duration.ofSeconds(31).toNanos()); // past the 30 s patience, as the write's wait is timed

        release.countDown();

        assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(DbException.class, e -> assertThat(e.kind())
                        .isEqualTo(DbException.Kind.UNAVAILABLE))
                .hasMessageContaining("too busy");
        assertThat(ids("parent")).isEmpty();
    }

    @Test
    void aBusyTimeoutOfZeroStillGivesEveryWriteTimeForAGroup() throws Exception {
        calls.close();
        open(Duration.ZERO);

        calls.write("Inserting with no patience", insert("parent", "p"));

        assertThat(ids("parent")).containsExactly("p");
    }

    @Test
    void closingCommitsWhatIsQueuedAndThenRefusesWrites() throws Exception {
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        CompletableFuture<Object> queued = writeLater("Inserting queued", insert("parent", "queued"), false);
        awaitWaiting(1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(calls::close,
                r -> Thread.ofVirtual().start(r));
        awaitRefusal(); // the store is closing while the queued write still waits

        release.countDown();
        closing.get(30, TimeUnit.SECONDS);

        queued.get(30, TimeUnit.SECONDS);
        assertThat(ids("parent")).containsExactly("queued");
        assertThatThrownBy(() -> calls.write("Inserting too late", insert("parent", "late")))
                .isInstanceOfSatisfying(DbException.class, e -> assertThat(e.kind())
                        .isEqualTo(DbException.Kind.CLOSED));
    }

    private void awaitRefusal() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a safety net, never a condition
        while (true) {
            try {
                calls.read("Probing", c -> null); // a read: a write would queue behind the held writer
            } catch (DbException e) {
                if (e.kind() == DbException.Kind.CLOSED) {
                    return;
                }
                throw e;
            }
            assertThat(System.nanoTime() - deadline).as("the store refuses calls").isNegative();
        }
    }

    @Test
    void aWriteCannotWaitForTheTransactionItRunsIn() throws SQLException {
        assertThatThrownBy(() -> calls.write("Outer", c -> {
            insert("parent", "outer").run(c);
            return calls.write("Inner", insert("parent", "inner"));
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("Inner");
        assertThat(ids("parent")).as("the outer write failed, and rolled back").isEmpty();
    }

    @Test
    void aWriteThatEndsTheTransactionItselfFailsEveryWriteOfItsGroup() throws Exception {
        List<CompletableFuture<?>> held = new ArrayList<>();
        CountDownLatch release = holdTheWriter(held);
        CompletableFuture<Object> before = writeLater("Inserting before", insert("parent", "before"), false);
        awaitWaiting(1);
        // What SQLite does by itself on a full disk or an I/O error: the whole transaction is rolled back.
        CompletableFuture<Object> breaking = writeLater("Breaking the transaction", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK");
            }
            throw new SQLException("disk I/O error", "HY000", 10);
        }, false);
        awaitWaiting(2);

        release.countDown();

        assertThatThrownBy(() -> before.get(30, TimeUnit.SECONDS)).as("not reported committed: it was rolled back")
                .cause().isInstanceOf(DbException.class).hasMessageContaining("Inserting before");
        assertThatThrownBy(() -> breaking.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(DbException.class);
        assertThat(ids("parent")).isEmpty();
        calls.write("Inserting after", insert("parent", "after"));
        assertThat(ids("parent")).as("the writer goes on, on a connection that works").containsExactly("after");
    }

    @Test
    void manyWritersAtOnceLoseNothing() throws Exception {
        int writers = 32;
        int each = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        String id = "w" + writer + "-" + i;
                        calls.write("Inserting " + id, insert("parent", id), i % 5 == 0);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).isEmpty();
        assertThat(ids("parent")).hasSize(writers * each).doesNotHaveDuplicates();
    }
}
