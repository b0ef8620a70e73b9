package dev.cadre;

import dev.cadre.json.CadreJson;
import dev.cadre.run.RunJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A journal that keeps steps in memory, the way a durable engine keeps them in its database: each step is found
 * by its place — its run's path and its number in that run — and its value is kept as JSON. Parallel steps
 * start threads of their own with a path of their own (as a durable engine's child workflows), so that the
 * steps of what runs on them are numbered apart. {@link #copy()} is what survives a crash.
 */
final class MemoryJournal implements RunJournal {

    private record Place(String path, AtomicInteger next) {
        String nextStep() {
            return path + "/" + next.getAndIncrement();
        }
    }

    private final Map<String, String> recorded;
    private final ThreadLocal<Place> place = ThreadLocal.withInitial(() -> new Place("run", new AtomicInteger()));
    final List<String> done = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Completes when the step at that place is recorded (see {@link #whenRecorded}). */
    private final Map<String, CompletableFuture<Void>> recordedAt = new ConcurrentHashMap<>();
    final List<String> replayed = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What each parallel step does, by its place: what another process performs when this one dies. */
    final Map<String, dev.cadre.run.StepTask> tasks = new ConcurrentHashMap<>();

    MemoryJournal() {
        this(new ConcurrentHashMap<>());
    }

    private MemoryJournal(Map<String, String> recorded) {
        this.recorded = recorded;
    }

    /** What a second process finds: the steps recorded so far, none of the first one's threads. */
    MemoryJournal copy() {
        return new MemoryJournal(new ConcurrentHashMap<>(recorded));
    }

    /** Completes once this journal has recorded the step at {@code place} (as {@link #done} names it). */
    CompletableFuture<Void> whenRecorded(String place) {
        return recordedAt.computeIfAbsent(place, k -> new CompletableFuture<>());
    }

    @Override
    public <T> Step<T> step(String name, Class<T> type, Supplier<T> work) {
        String key = place.get().nextStep() + ":" + name;
        String json = recorded.get(key);
        if (json != null) {
            replayed.add(key);
            return new Step<>(CadreJson.read(json, type), true);
        }
        T value = work.get();
        recorded.put(key, CadreJson.write(value));
        done.add(key);
        whenRecorded(key).complete(null);
        return new Step<>(value, false);
    }

    @Override
    public <T> List<CompletableFuture<Step<T>>> steps(String name, Class<T> type, List<Work<T>> works) {
        String parent = place.get().nextStep() + ":" + name;
        List<CompletableFuture<Step<T>>> out = new ArrayList<>();
        for (int i = 0; i < works.size(); i++) {
            String child = parent + "." + i;
            Supplier<T> work = works.get(i).work();
            tasks.put(child, works.get(i).task());
            CompletableFuture<Step<T>> f = new CompletableFuture<>();
            out.add(f);
            String json = recorded.get(child);
            if (json != null) {
                replayed.add(child);
                f.complete(new Step<>(CadreJson.read(json, type), true));
                continue;
            }
            Thread.ofVirtual().name("journal-" + child).start(() -> {
                place.set(new Place(child, new AtomicInteger()));
                try {
                    T value = work.get();
                    recorded.put(child, CadreJson.write(value));
                    done.add(child);
                    whenRecorded(child).complete(null);
                    f.complete(new Step<>(value, false));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        }
        return out;
    }
}
