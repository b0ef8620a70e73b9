package dev.cadre.server.config;

/**
 * A config file that cannot be served, with where and why:
 * {@code cadre.yaml:7: models.default.provider: 'openai-foo' is not one of openai-responses, openai-chat}.
 */
public final class ConfigException extends RuntimeException {

    private final String file;
    private final int line;
    private final String path;
    private final String problem;

    public ConfigException(String file, int line, String path, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        this.file = file;
        this.line = line;
        this.path = path;
        this.problem = problem;
    }

    /** The file's name as given. */
    public String file() {
        return file;
    }

    /** The 1-based line the problem is on; 0 when it is about the file as a whole (one that cannot be read). */
    public int line() {
        return line;
    }

    /** The key the problem is about, such as {@code models.default.provider}; empty for the whole file. */
    public String path() {
        return path;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
