package dev.cadre.testkit;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.Role;
import dev.cadre.model.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A deterministic {@link Model} for tests: it answers with scripted {@link Reply replies} instead of
 * calling a provider. <b>A test double</b> — use a real model (for example {@code cadre-openai}) in
 * production, and the testkit's fake OpenAI server to test the real client code path.
 *
 * <pre>{@code
 * ScriptedModel leader = ScriptedModel.of(
 *         Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"researcher\",\"task\":\"Find facts\"}"),
 *         Reply.text("Here is ", "the answer."));
 * }</pre>
 *
 * <p>Replies are used in order, one per model call; or chosen per request with
 * {@link #replying(Function)}, which suits models shared by concurrent runs. A reply can pause
 * between chunks, wait for a test's signal, block until the call is aborted (to test that a cancel
 * does not wait for the next chunk), or fail. Every request is recorded. Each call's response is
 * named {@code resp_<model id>_<call number>} ({@code response_id} provider data). Thread-safe.
 */
public final class ScriptedModel implements Model {

    private final String id;
    /** The reply to a request, given the call's number (1 for the first); called outside any lock, may block. */
    private final java.util.function.BiFunction<ModelRequest, Integer, Reply> replies;
    private final List<ModelRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger aborted = new AtomicInteger();
    private final Object calls = new Object();

    private ScriptedModel(String id, java.util.function.BiFunction<ModelRequest, Integer, Reply> replies) {
        this.id = id;
        this.replies = replies;
    }

    /** A model that gives these replies in order, then fails with a clear message. */
    public static ScriptedModel of(Reply... replies) {
        return named("scripted", replies);
    }

    /** Like {@link #of}, with a model id (shown in events and outputs). */
    public static ScriptedModel named(String id, Reply... replies) {
        // The n-th call gets the n-th reply, by the number it was given as its request was recorded: two calls at once
        // cannot swap replies (or the recorded order and the replies would disagree).
        List<Reply> script = List.copyOf(Arrays.asList(replies));
        return new ScriptedModel(id, (request, call) -> {
            if (call > script.size()) {
                throw new ModelException("ScriptedModel '" + id + "' has no reply left for call " + call
                        + ": it was scripted with " + script.size() + " replies", "script_exhausted", null);
            }
            return script.get(call - 1);
        });
    }

    /** A model that chooses each reply from the request, for example by its last user message. */
    public static ScriptedModel replying(Function<ModelRequest, Reply> replies) {
        Objects.requireNonNull(replies);
        return new ScriptedModel("scripted", (request, call) -> replies.apply(request));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String provider() {
        return "Scripted";
    }

    /** Every request received so far, in order. */
    public List<ModelRequest> requests() {
        return List.copyOf(requests);
    }

    /** How many calls ended because they were aborted. */
    public int abortedCalls() {
        return aborted.get();
    }

    /**
     * Waits until at least {@code n} calls have ended because they were aborted. A cancelled run does
     * not wait for its model call to unwind, so a test that checks the abort waits for it here.
     */
    public boolean awaitAbortedCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (aborted.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
            return true;
        }
    }

    /** Waits until at least {@code n} calls have been made; returns whether they were in time. */
    public boolean awaitCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (requests.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
            return true;
        }
    }

    @Override
    public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
        play(request, abort, deltas);
    }

    @Override
    public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
        ModelResponseAccumulator acc = new ModelResponseAccumulator();
        play(request, abort, acc);
        return acc.response();
    }

    private void play(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> out) {
        int call;
        synchronized (calls) {
            requests.add(request);
            call = requests.size();
            calls.notifyAll();
        }
        Reply reply = replies.apply(request, call);
        CompletableFuture<Void> aborted = new CompletableFuture<>();
        try (AbortSignal.Registration reg = abort.onAbort(() -> aborted.complete(null))) {
            // Like OpenAI's Responses API, which names the response before its first token.
            out.accept(ModelDelta.ProviderData.of("response_id", "resp_" + id + "_" + call));
            int toolIndex = 0;
            long outputTokens = 0;
            for (Step step : reply.steps) {
                checkAbort(aborted);
                switch (step) {
                    case Step.Chunk c -> {
                        pause(reply.pauseBetweenChunks, aborted);
                        checkAbort(aborted);
                        out.accept(new ModelDelta.Text(c.text()));
                        outputTokens++;
                    }
                    case Step.Call c -> {
                        out.accept(ModelDelta.ToolCallFragment.whole(toolIndex, c.id().orElse("call_" + toolIndex
                                + "_" + requests.size()), c.name(), c.arguments()));
                        toolIndex++;
                        outputTokens++;
                    }
                    case Step.Pause p -> pause(p.duration(), aborted);
                    case Step.Await a -> waitFor(a.signal(), aborted);
                    case Step.Block b -> waitFor(new CompletableFuture<>(), aborted);
                    case Step.Fail f -> throw f.error();
                }
            }
            checkAbort(aborted);
            out.accept(new ModelDelta.UsageReport(reply.usage.orElse(Usage.of(10, outputTokens))));
        }
    }

    private void checkAbort(CompletableFuture<Void> aborted) {
        if (aborted.isDone() || Thread.currentThread().isInterrupted()) {
            synchronized (calls) {
                this.aborted.incrementAndGet();
                calls.notifyAll();
            }
            throw new ModelException("The scripted call was aborted", "aborted", null);
        }
    }

    private void pause(Duration d, CompletableFuture<Void> aborted) {
        if (d.isZero()) {
            return;
        }
        try {
            aborted.get(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // not completed exceptionally
        }
        checkAbort(aborted);
    }

    private void waitFor(CompletableFuture<?> signal, CompletableFuture<Void> aborted) {
        try {
            CompletableFuture.anyOf(signal, aborted).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // a signal completed exceptionally counts as given
        }
        checkAbort(aborted);
    }

    /** The text of the last user message of a request; handy in {@link #replying} functions. */
    public static String lastUserMessage(ModelRequest request) {
        for (int i = request.messages().size() - 1; i >= 0; i--) {
            if (request.messages().get(i).role() == Role.USER) {
                return request.messages().get(i).content();
            }
        }
        return "";
    }

    /** Whether the request ends with tool results, i.e. the model is called back after tools ran. */
    public static boolean isAfterToolResult(ModelRequest request) {
        return !request.messages().isEmpty() && request.messages().getLast().role() == Role.TOOL;
    }

    /** Whether the request offers a tool with this name. */
    public static boolean offersTool(ModelRequest request, String name) {
        return request.tools().stream().anyMatch(t -> t.name().equals(name));
    }

    /** One scripted assistant turn. Immutable; build with the static methods and the {@code then…} methods. */
    public static final class Reply {
        private final List<Step> steps;
        private final Duration pauseBetweenChunks;
        private final Optional<Usage> usage;

        private Reply(List<Step> steps, Duration pauseBetweenChunks, Optional<Usage> usage) {
            this.steps = List.copyOf(steps);
            this.pauseBetweenChunks = pauseBetweenChunks;
            this.usage = usage;
        }

        /** Text, streamed in these chunks. */
        public static Reply text(String... chunks) {
            return new Reply(List.of(), Duration.ZERO, Optional.empty()).thenText(chunks);
        }

        /** A call of tool {@code name} with these JSON arguments. */
        public static Reply toolCall(String name, String argumentsJson) {
            return new Reply(List.of(), Duration.ZERO, Optional.empty()).thenToolCall(name, argumentsJson);
        }

        /** A call that fails with {@code error} before producing anything. */
        public static Reply error(ModelException error) {
            return new Reply(List.of(new Step.Fail(error)), Duration.ZERO, Optional.empty());
        }

        /** A call that produces nothing and waits until it is aborted (a stalled provider). */
        public static Reply stall() {
            return new Reply(List.of(new Step.Block()), Duration.ZERO, Optional.empty());
        }

        public Reply thenText(String... chunks) {
            return with(Arrays.stream(chunks).map(c -> (Step) new Step.Chunk(c)).toList());
        }

        public Reply thenToolCall(String name, String argumentsJson) {
            return with(List.of(new Step.Call(Optional.empty(), name, argumentsJson)));
        }

        /** Waits this long here (wakes early when aborted). */
        public Reply thenPause(Duration d) {
            return with(List.of(new Step.Pause(d)));
        }

        /** Waits here until {@code signal} completes (or the call is aborted). */
        public Reply thenAwait(CompletableFuture<?> signal) {
            return with(List.of(new Step.Await(signal)));
        }

        /** Waits here until the call is aborted: the next chunk never comes. */
        public Reply thenBlock() {
            return with(List.of(new Step.Block()));
        }

        public Reply thenFail(ModelException error) {
            return with(List.of(new Step.Fail(error)));
        }

        /** Pauses before every text chunk. */
        public Reply pacedAt(Duration perChunk) {
            return new Reply(steps, perChunk, usage);
        }

        /** Reports this usage instead of the default (10 input tokens, one output token per chunk or call). */
        public Reply usage(Usage u) {
            return new Reply(steps, pauseBetweenChunks, Optional.of(u));
        }

        private Reply with(List<Step> more) {
            List<Step> all = new ArrayList<>(steps);
            all.addAll(more);
            return new Reply(all, pauseBetweenChunks, usage);
        }
    }

    private sealed interface Step {
        record Chunk(String text) implements Step {
        }

        record Call(Optional<String> id, String name, String arguments) implements Step {
        }

        record Pause(Duration duration) implements Step {
        }

        record Await(CompletableFuture<?> signal) implements Step {
        }

        record Block() implements Step {
        }

        record Fail(ModelException error) implements Step {
        }
    }
}
