package dev.cadre.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.TeamRunOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory where the final states a store could not take are kept on disk until it does, so that
 * they survive the process: a run that ended while its database was unreachable is not turned into a
 * content-less orphan when the process stops before the database is back.
 *
 * <p>The engine {@linkplain #keep keeps} a final state the moment its write fails and
 * {@linkplain #forget forgets} it once written. A store that has a journal {@linkplain #replayInto
 * replays} what is left when it opens, before it ends the runs of dead processes — members before
 * their team runs, in the order they were kept. Each state is one JSON file, written atomically.
 *
 * <p>Thread-safe. Failures to write the journal are reported to the caller ({@link UncheckedIOException});
 * a full disk can make them fail too.
 */
public final class FinalStateJournal {

    private static final Logger LOG = LoggerFactory.getLogger(FinalStateJournal.class);
    private static final String SUFFIX = ".json";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path directory;

    public FinalStateJournal(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /**
     * Keeps {@code finalState} until it is forgotten or replayed.
     *
     * @param ownerInstanceId the process that ran it (a replay may replace the orphan sweep's verdict on it)
     * @param problem why it could not be written, for the person reading the file
     * @return the file it is kept in
     * @throws UncheckedIOException when the directory or the file cannot be written
     */
    public Path keep(RunResult finalState, String ownerInstanceId, String problem) {
        ObjectNode entry = CadreJson.mapper().createObjectNode();
        entry.put("owner_instance", ownerInstanceId);
        entry.put("kept_at", Instant.now().toString());
        entry.put("problem", problem);
        entry.put("kind", finalState instanceof TeamRunOutput ? "team" : "agent");
        entry.set("run", CadreJson.mapper().valueToTree(finalState));
        // Sortable names: a replay writes members before their team runs, as they were kept.
        String name = String.format("%013d-%06d-%s", System.currentTimeMillis(),
                SEQUENCE.incrementAndGet() % 1_000_000, safe(finalState.runId()));
        try {
            Files.createDirectories(directory);
            Path target = directory.resolve(name + SUFFIX);
            Path tmp = directory.resolve(name + ".tmp");
            Files.writeString(tmp, CadreJson.write(entry));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the final state of run " + finalState.runId() + " in "
                    + directory + ": " + e.getMessage(), e);
        }
    }

    /** Forgets a kept state (it was written). Never fails: a file that cannot be deleted is replayed harmlessly. */
    public void forget(Path kept) {
        try {
            Files.deleteIfExists(kept);
        } catch (IOException e) {
            LOG.warn("Could not delete {}; it is replayed (harmlessly) when the store opens next: {}", kept,
                    e.getMessage());
        }
    }

    /** The files kept now, oldest first. */
    public List<Path> kept() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /** What a replay did. */
    public record Replay(List<String> written, List<String> alreadyEnded, List<String> gone, List<Path> unreadable) {
        public boolean isEmpty() {
            return written.isEmpty() && alreadyEnded.isEmpty() && gone.isEmpty() && unreadable.isEmpty();
        }
    }

    /**
     * Writes every kept state to {@code store} with {@link Db#finishRun(RunResult, String)} on behalf of
     * its owner, and forgets it once the store has it (written, or another terminal state was there
     * first, or its run no longer exists). An unreadable file is renamed {@code *.unreadable} and left.
     *
     * @throws DbException when the store fails; what was not written yet stays kept
     */
    public Replay replayInto(Db store) {
        List<String> written = new ArrayList<>();
        List<String> alreadyEnded = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        for (Path file : kept()) {
            JsonNode entry;
            RunResult run;
            try {
                entry = CadreJson.mapper().readTree(Files.readString(file));
                Class<? extends RunResult> type = "team".equals(entry.path("kind").asText())
                        ? TeamRunOutput.class : RunOutput.class;
                run = CadreJson.mapper().treeToValue(entry.get("run"), type);
            } catch (NoSuchFileException e) {
                continue; // replayed by another process opening the same store
            } catch (IOException | RuntimeException e) {
                LOG.error("Cannot read the kept final state {}: {}; renaming it to *.unreadable", file,
                        e.getMessage());
                unreadable.add(file);
                try {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"),
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    LOG.error("Cannot rename {}: {}", file, moveFailed.getMessage());
                }
                continue;
            }
            try {
                if (store.finishRun(run, entry.path("owner_instance").asText(""))) {
                    written.add(run.runId());
                } else {
                    alreadyEnded.add(run.runId());
                }
            } catch (DbException e) {
                if (e.kind() != DbException.Kind.NOT_FOUND) {
                    throw e;
                }
                gone.add(run.runId());
            }
            forget(file);
        }
        return new Replay(written, alreadyEnded, gone, unreadable);
    }

    private static String safe(String runId) {
        String s = runId.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 80 ? s.substring(0, 80) : s;
    }
}
