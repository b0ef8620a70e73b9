package dev.cadre.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps the SQLite driver's native library in a cache directory, so that it is written to disk once per
 * driver version instead of at every start. Not public API.
 *
 * <p>Left alone, sqlite-jdbc copies its library out of the jar into the temp directory under a new random
 * name at every start, loads it, and deletes it at exit. Given {@code org.sqlite.lib.path} and
 * {@code org.sqlite.lib.name}, it loads that file instead. The directory comes from the system property
 * {@code cadre.cache} (the {@code ./cadre} launcher sets it); without it nothing changes.
 */
public final class NativeCache {

    private NativeCache() {
    }

    /**
     * Points sqlite-jdbc at a copy of its library in the cache directory, writing the copy first if there is
     * none. Does nothing when {@code cadre.cache} is not set, when the user set the driver's own properties,
     * or when the jar holds no library for this platform (the driver then says so when it is used). Any I/O
     * problem leaves the driver to its usual extraction; it never fails the command.
     */
    public static void useCachedSqliteLibrary() {
        String cache = System.getProperty("cadre.cache");
        if (cache == null || cache.isBlank() || System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        try {
            String folder = org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS();
            String name = System.mapLibraryName("sqlitejdbc");
            String resource = "/org/sqlite/native/" + folder + "/" + name;
            // A folder per driver version: a new driver never loads an older library.
            Path dir = Path.of(cache, "sqlite-" + org.sqlite.SQLiteJDBCLoader.getVersion(), folder);
            Path lib = dir.resolve(name);
            if (!Files.isRegularFile(lib) && !extract(resource, dir, lib)) {
                return;
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
        } catch (IOException | UncheckedIOException | SecurityException | LinkageError e) {
            // The driver extracts as it always did.
        }
    }

    /** Copies the library out of the jar into a temp file, then renames it: a reader never sees half a file. */
    private static boolean extract(String resource, Path dir, Path lib) throws IOException {
        try (InputStream in = NativeCache.class.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, lib.getFileName().toString(), ".tmp");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
    }
}
