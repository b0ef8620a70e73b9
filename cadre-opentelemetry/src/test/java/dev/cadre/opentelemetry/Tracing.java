package dev.cadre.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import dev.cadre.model.Model;
import dev.cadre.run.ModelCall;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunResult;
import dev.cadre.run.ToolExecution;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** An SDK tracer exporting, synchronously, to memory: a span is in {@link #spans()} once it ended. */
final class Tracing implements AutoCloseable {

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final CadreTracing tracing = CadreTracing.builder(provider.get("test")).build();
    private final Map<String, CompletableFuture<Void>> ended = new ConcurrentHashMap<>();

    /**
     * {@link #tracing}, then a note that the run ended: a run manager's {@code awaitRun} may return before its
     * listeners hear of a background run's end, so tests wait for the note ({@link #awaitEnd}) instead.
     */
    final RunListener listener = new RunListener() {
        @Override public void runStarted(RunInfo run) {
            tracing.runStarted(run);
        }
        @Override public void runEnded(RunInfo run, RunResult end) {
            tracing.runEnded(run, end);
            ended(run.runId()).complete(null);
        }
        @Override public void modelRequestStarted(RunInfo run, Model model) {
            tracing.modelRequestStarted(run, model);
        }
        @Override public void modelRequestEnded(RunInfo run, ModelCall call) {
            tracing.modelRequestEnded(run, call);
        }
        @Override public void toolCallStarted(RunInfo run, ToolExecution call) {
            tracing.toolCallStarted(run, call);
        }
        @Override public void toolCallEnded(RunInfo run, ToolExecution call) {
            tracing.toolCallEnded(run, call);
        }
        @Override public void delegationStarted(RunInfo team, RunInfo member, String task) {
            tracing.delegationStarted(team, member, task);
        }
        @Override public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
            tracing.delegationEnded(team, member, end);
        }
        @Override public void cancelRequested(RunInfo run, String reason) {
            tracing.cancelRequested(run, reason);
        }
    };

    private CompletableFuture<Void> ended(String runId) {
        return ended.computeIfAbsent(runId, id -> new CompletableFuture<>());
    }

    /** Waits until the listener heard that {@code runId} ended. */
    void awaitEnd(String runId) throws Exception {
        ended(runId).get(60, TimeUnit.SECONDS);
    }

    List<SpanData> spans() {
        return exporter.getFinishedSpanItems();
    }

    SpanData named(String name) {
        List<SpanData> found = spans().stream().filter(s -> s.getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("Expected one span named " + name + ", found " + found.size() + " in "
                    + spans().stream().map(SpanData::getName).toList());
        }
        return found.get(0);
    }

    List<SpanData> childrenOf(SpanData parent) {
        return spans().stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
    }

    static <T> T attr(SpanData span, AttributeKey<T> key) {
        return span.getAttributes().get(key);
    }

    @Override
    public void close() {
        provider.close();
    }
}
