package dev.cadre.internal;

import dev.cadre.run.RunJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The journal of a run that lives only in this process: it keeps nothing (and encodes nothing), every step
 * is done. Parallel steps each get an engine thread of their own.
 */
final class LocalJournal implements RunJournal {

    private final EngineThreads threads;

    LocalJournal(EngineThreads threads) {
        this.threads = threads;
    }

    @Override
    public <T> Step<T> step(String name, Class<T> type, Supplier<T> work) {
        return new Step<>(work.get(), false);
    }

    @Override
    public <T> List<CompletableFuture<Step<T>>> steps(String name, Class<T> type, List<Work<T>> works) {
        List<CompletableFuture<Step<T>>> futures = new ArrayList<>(works.size());
        for (Work<T> w : works) {
            Supplier<T> work = w.work();
            CompletableFuture<Step<T>> f = new CompletableFuture<>();
            futures.add(f);
            threads.start("cadre-" + name, () -> {
                try {
                    f.complete(new Step<>(work.get(), false));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        }
        return futures;
    }
}
