package dev.cadre;

import dev.cadre.event.RunEvent;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.RunStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Scripted replies and stream helpers shared by the tests. */
final class Scripts {

    private Scripts() {
    }

    static Reply delegate(String memberId, String task) {
        return Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"" + memberId + "\",\"task\":\"" + task + "\"}");
    }

    static Reply delegateAll(String task) {
        return Reply.toolCall("delegate_task_to_members", "{\"task\":\"" + task + "\"}");
    }

    /** {@code n} chunks of "word{i} ". */
    static String[] words(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = "word" + i + " ";
        }
        return out;
    }

    /** A tool that says when it is called and returns only when let. */
    static final class BlockingTool {
        final CompletableFuture<Void> started = new CompletableFuture<>();
        final CompletableFuture<Void> mayReturn = new CompletableFuture<>();
        final dev.cadre.tool.Tool tool;

        BlockingTool(String name) {
            tool = dev.cadre.tool.FunctionTool.of(name, "waits until the test lets it return", ctx -> {
                started.complete(null);
                mayReturn.join();
                return "done";
            });
        }
    }

    /**
     * Reads a stream on a virtual thread, collecting every event; {@code trigger} completes with the
     * first event matching {@code when}.
     */
    static final class Reader {
        final List<RunEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<RunEvent> trigger = new CompletableFuture<>();
        final CompletableFuture<List<RunEvent>> done = new CompletableFuture<>();

        Reader(RunStream stream, Predicate<List<RunEvent>> when) {
            Thread.ofVirtual().start(() -> {
                try (stream) {
                    for (RunEvent e : stream) {
                        events.add(e);
                        if (!trigger.isDone() && when.test(events)) {
                            trigger.complete(e);
                        }
                    }
                    done.complete(new ArrayList<>(events));
                } catch (Throwable t) {
                    trigger.completeExceptionally(t);
                    done.completeExceptionally(t);
                }
            });
        }
    }

    /** What {@link #cancelWhen} did: the cancel's answer and every event the stream carried. */
    record Cancelled(dev.cadre.run.CancelResult result, List<RunEvent> events) {
    }

    /**
     * Reads {@code stream} until {@code when} holds, cancels the run through {@code component}, and reads
     * the stream to its end.
     */
    static Cancelled cancelWhen(Component<?> component, RunStream stream, Predicate<List<RunEvent>> when)
            throws Exception {
        Reader reader = new Reader(stream, when);
        reader.trigger.get(10, java.util.concurrent.TimeUnit.SECONDS);
        dev.cadre.run.CancelResult result = component.cancelRun(stream.runId());
        return new Cancelled(result, reader.done.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    static long count(List<RunEvent> events, Class<? extends RunEvent> type) {
        return events.stream().filter(type::isInstance).count();
    }
}
