package dev.cadre.durable.internal;

import dev.cadre.jdbc.OwnHeartbeat;
import dev.dbos.transact.DBOS;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a process that was taken for dead from acting for the runs another process resumed. Another process
 * records a death only for a heartbeat older than {@code staleAfter}, and only while it holds that heartbeat's row
 * locked, so that no beat can land meanwhile ({@link Recovery}). So while this process's own heartbeat is
 * {@link OwnHeartbeat steady} — every beat in time, the value in the db never older than {@code maxGap}, well under
 * {@code staleAfter} — nobody can record its death; and once a check of the recorded deaths, made during the
 * current steady stretch, found none of its own, none was recorded before either. That is this process's
 * <em>lease</em>: a step of a durable run starts, and its value is recorded, only under it. Without it (the
 * database unreachable, the process paused, its heartbeat late) steps wait — with the database unreachable they
 * could not be recorded anyway — until the heartbeat is steady again and a check found whether this process was
 * recovered meanwhile; when it was, the executions here of the workflows that were resumed elsewhere are let go
 * of ({@link #letGo}): their threads are interrupted, the engine stops them without writing anything (as when the
 * process drains), and nothing more of theirs is recorded. The others go on.
 *
 * <p>The lease assumes the hosts' clocks agree within {@code staleAfter - maxGap} (a quarter of {@code staleAfter}
 * at least): other processes compare this one's heartbeat, written with its clock, with theirs.
 *
 * <p>Thread-safe. Not API.
 */
final class Fence {

    /**
     * Thrown inside a DBOS step to leave it without anything recorded: DBOS records what a step returns or any
     * {@link Exception} it throws, but lets an {@link Error} through. Never leaves {@link DbosJournal}.
     */
    static final class LetGo extends Error {
        static final LetGo INSTANCE = new LetGo();

        private LetGo() {
            super("this process let go of the workflow", null, false, false);
        }
    }

    /** One execution here of a workflow: its thread, and whether it is let go of. */
    private static final class Execution {
        final Thread thread = Thread.currentThread();
        volatile boolean letGo;
    }

    /** How long a step waiting for the lease sleeps between two looks (it is also woken by every check). */
    private static final long WAIT_SLICE_MS = 100;

    private final BooleanSupplier drained;
    private final Supplier<OwnHeartbeat> heartbeat;
    private final LongSupplier nanos;
    private final Map<String, Execution> executing = new ConcurrentHashMap<>();
    private final Object checks = new Object();
    /** When the last check of the recorded deaths that found none of this process's started (nanos). */
    private volatile long checkedAt;
    private volatile boolean checked;

    /**
     * @param drained whether the process let go of every run (it drains)
     * @param heartbeat this process's own heartbeat
     */
    Fence(BooleanSupplier drained, Supplier<OwnHeartbeat> heartbeat, LongSupplier nanos) {
        this.drained = drained;
        this.heartbeat = heartbeat;
        this.nanos = nanos;
    }

    /** Registers the calling thread as executing its workflow; run the result when the workflow's body is done. */
    Runnable enter() {
        String id = DBOS.workflowId();
        if (id == null) {
            return () -> { };
        }
        Execution e = new Execution();
        executing.put(id, e);
        return () -> executing.remove(id, e);
    }

    /** The workflows executing here now. */
    Set<String> executing() {
        return Set.copyOf(executing.keySet());
    }

    /** Whether {@code workflowId}'s execution here is one that was let go of (and still going). */
    boolean lettingGo(String workflowId) {
        Execution e = executing.get(workflowId);
        return e != null && e.letGo;
    }

    /**
     * Whether the calling thread's workflow is let go of — all of them when the process drains — so that nothing
     * more of it may be recorded or written.
     */
    boolean released() {
        if (drained.getAsBoolean()) {
            return true;
        }
        String id = DBOS.workflowId();
        Execution e = id == null ? null : executing.get(id);
        return e != null && e.thread == Thread.currentThread() && e.letGo;
    }

    /** Whether this process holds its lease now (see the class comment). */
    boolean leased() {
        OwnHeartbeat own = heartbeat.get();
        long now = nanos.getAsLong();
        return checked && own.steadyAt(now) && checkedAt - own.steadySince() >= 0;
    }

    /**
     * Waits until this process holds its lease, or the calling thread's workflow is let go of (the caller checks
     * {@link #released}). An interrupt ends the wait with the thread's interrupt set again: the run takes it for
     * what it is — its letting go, or, DBOS shutting down, a cancel.
     */
    void awaitLease() {
        synchronized (checks) {
            while (!released() && !leased()) {
                try {
                    checks.wait(WAIT_SLICE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Waits until this process holds its lease or the calling thread's workflow is let go of, through interrupts: an
     * interrupt never lets a step start without the lease. It is handed on (set again) once the wait is over.
     */
    void holdLease() {
        boolean interrupted = false;
        while (!released() && !leased()) {
            awaitLease();
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A check of the recorded deaths that started at {@code startedAt} found none of this process's not handled. */
    void checked(long startedAt) {
        synchronized (checks) {
            if (!checked || startedAt - checkedAt > 0) {
                checkedAt = startedAt;
                checked = true;
            }
            checks.notifyAll();
        }
    }

    /**
     * Lets go of the executions here of {@code workflowIds} (those resumed elsewhere): marks them, so that nothing
     * more of theirs is recorded, and interrupts their threads, so that the engine stops them (a model call under
     * way is closed). Returns those that were executing here.
     */
    List<String> letGo(Collection<String> workflowIds) {
        List<String> let = new java.util.ArrayList<>();
        for (String id : workflowIds) {
            Execution e = executing.get(id);
            if (e != null && !e.letGo) {
                e.letGo = true;
                e.thread.interrupt();
                let.add(id);
            }
        }
        synchronized (checks) {
            checks.notifyAll();
        }
        return let;
    }
}
