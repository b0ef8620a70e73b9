package dev.cadre.durable.internal;

import dev.cadre.json.CadreJson;
import dev.cadre.run.RunJournal;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.StartWorkflowOptions;
import dev.dbos.transact.workflow.WorkflowHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A run's journal in DBOS: a step is a DBOS step of the workflow executing on the calling thread (the run's, or a
 * step workflow's for a member run's steps); parallel steps are child workflows, started in order on that
 * thread, each with an id made from where it is in its run. Values are Cadre's JSON, stored as text.
 *
 * <p>Stateless: every call finds its workflow in DBOS's context of the calling thread.
 */
public final class DbosJournal implements RunJournal {

    /** What a step that threw is recorded as: the run ended with that failure, and an ended run is not resumed. */
    private static final String FAILED = "\"cadre: this step failed\"";

    private final DBOS dbos;
    private final CadreWorkflows self;
    private final Attachments attachments;
    private final Fence fence;
    private final DbWait dbWait;
    /** Per workflow thread: whether its execution has asked for a step yet (see {@link #stepped}). */
    private final ThreadLocal<boolean[]> stepped = new ThreadLocal<>();

    DbosJournal(DBOS dbos, CadreWorkflows self, Attachments attachments, Fence fence, DbWait dbWait) {
        this.dbos = dbos;
        this.self = self;
        this.attachments = attachments;
        this.fence = fence;
        this.dbWait = dbWait;
    }

    /**
     * {@code work}'s value, done again once the database answers when it fails because the database is unreachable
     * before it asked for any step of the calling thread's workflow (see {@link DbWait}): a run taken up (claimed,
     * its cancel requests read), a member run started. Once a step was asked for, doing the work again in the same
     * execution would not replay it — DBOS numbers the steps of an execution as they come — but do it twice.
     */
    <T> T patientlyUntilStepped(Supplier<T> work) {
        return dbWait.patiently(work, () -> !stepped());
    }

    /** Whether the calling thread's workflow execution has asked for a step (or parallel steps) yet. */
    boolean stepped() {
        boolean[] s = stepped.get();
        return s != null && s[0];
    }

    /**
     * Once the process is letting go of its runs, for the others to resume them; or of the calling thread's run,
     * when another process resumed it while this one was taken for dead ({@link Fence}).
     */
    @Override
    public boolean released() {
        return fence.released();
    }

    /**
     * Registers the calling thread as executing its workflow, for {@link Fence} and {@link #stepped}; run the result
     * at its end.
     */
    Runnable enter() {
        Runnable left = fence.enter();
        stepped.set(new boolean[1]);
        return () -> {
            stepped.remove();
            left.run();
        };
    }

    private void markStepped() {
        boolean[] s = stepped.get();
        if (s != null) {
            s[0] = true;
        }
    }

    @Override
    public <T> Step<T> step(String name, Class<T> type, Supplier<T> work) {
        requireWorkflow(name);
        markStepped();
        Object[] live = new Object[1];
        RuntimeException[] failed = new RuntimeException[1];
        boolean[] ran = {false};
        String json;
        try {
            json = dbos.runStep(() -> {
                // A step starts, and its value is recorded, only under this process's lease (see Fence).
                admit();
                ran[0] = true;
                String out;
                try {
                    // A step's work that fails because the database is down (a run's opening reads its
                    // session's history) is done again when it is back, not recorded as the run's failure.
                    T value = dbWait.patiently(work);
                    live[0] = value;
                    out = CadreJson.write(value);
                } catch (RuntimeException e) {
                    // Recorded as a failure of ours, not as DBOS's serialised exception: the run ends with it.
                    failed[0] = e;
                    out = FAILED;
                }
                admit();
                return out;
            }, name);
        } catch (Fence.LetGo letGo) {
            // Nothing recorded: the run is let go of, and the engine stops it without writing anything.
            if (failed[0] != null) {
                throw failed[0];
            }
            if (ran[0]) {
                return new Step<>(type.cast(live[0]), false);
            }
            throw new IllegalStateException("Step '" + name + "' was not started: this process let go of the run");
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        if (ran[0]) {
            return new Step<>(type.cast(live[0]), false);
        }
        if (FAILED.equals(json)) {
            throw new IllegalStateException("Step '" + name + "' of this run failed in an earlier execution");
        }
        return new Step<>(CadreJson.read(json, type), true);
    }

    @Override
    public <T> List<CompletableFuture<Step<T>>> steps(String name, Class<T> type, List<Work<T>> works) {
        requireWorkflow(name);
        markStepped();
        fence.awaitLease();
        if (fence.released()) {
            throw new IllegalStateException("Steps '" + name + "' were not started: this process let go of the run");
        }
        List<CompletableFuture<Step<T>>> out = new ArrayList<>(works.size());
        for (Work<T> w : works) {
            String id = Tasks.workflowId(w.task());
            String task = Tasks.write(w.task());
            // Set on the step workflow's thread when it did the work here; read once its result is in.
            java.util.concurrent.atomic.AtomicReference<T> live = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            attachments.put(id, new Work<>(w.task(), () -> {
                T value = w.work().get();
                live.set(value);
                ran.set(true);
                return value;
            }));
            WorkflowHandle<String, RuntimeException> handle;
            try {
                handle = dbos.startWorkflow(() -> self.step(task), new StartWorkflowOptions(id));
            } catch (RuntimeException e) {
                attachments.drop(id);
                throw e;
            }
            CompletableFuture<Step<T>> f = new CompletableFuture<>();
            out.add(f);
            Thread.ofVirtual().name("cadre-step-wait").start(() -> {
                try {
                    String json = handle.getResult();
                    f.complete(ran.get() ? new Step<>(live.get(), false)
                            : new Step<>(CadreJson.read(json, type), true));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                } finally {
                    attachments.drop(id);
                }
            });
        }
        return out;
    }

    /** Inside a DBOS step: waits for the lease; leaves the step without anything recorded once let go of. */
    private void admit() {
        fence.holdLease();
        if (fence.released()) {
            throw Fence.LetGo.INSTANCE;
        }
    }

    private static void requireWorkflow(String step) {
        if (!DBOS.inWorkflow() || DBOS.inStep()) {
            throw new IllegalStateException("Step '" + step + "' of a durable run was asked for outside its workflow's"
                    + " thread: it could not be recorded");
        }
    }
}
