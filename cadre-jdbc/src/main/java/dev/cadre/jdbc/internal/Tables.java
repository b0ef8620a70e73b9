package dev.cadre.jdbc.internal;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names of a store's tables. Names are plain lower-case SQL identifiers, checked here, because
 * they are written into SQL text (they cannot be bind parameters).
 */
public record Tables(String sessions, String runs, String instances) {

    public static final String DEFAULT_SESSIONS = "cadre_sessions";
    public static final String DEFAULT_RUNS = "cadre_runs";
    public static final String DEFAULT_INSTANCES = "cadre_instances";

    // 40 leaves room for the index suffixes within PostgreSQL's 63-character identifiers.
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

    public Tables {
        check("session table", sessions);
        check("run table", runs);
        check("instance table", instances);
        if (sessions.equals(runs) || sessions.equals(instances) || runs.equals(instances)) {
            throw new IllegalArgumentException("The session, run and instance tables need three different names, got "
                    + sessions + ", " + runs + ", " + instances);
        }
        String memories = memoriesOf(sessions);
        if (runs.equals(memories) || instances.equals(memories)) {
            throw new IllegalArgumentException("The name " + memories + " is the memory table of the session table "
                    + sessions + "; choose another run or instance table name");
        }
        if (runs.equals(sessions + "_usage") || instances.equals(sessions + "_usage")) {
            throw new IllegalArgumentException("The name " + sessions + "_usage is the usage table of the session table "
                    + sessions + "; choose another run or instance table name");
        }
    }

    /**
     * The tables for a configuration where some names may be missing. A custom session table
     * without a custom run table gets {@code <sessions>_runs} (and likewise for instances), so two
     * stores with different session tables in one database never share a run table.
     */
    public static Tables of(String sessions, String runs, String instances) {
        String s = sessions == null ? DEFAULT_SESSIONS : sessions;
        boolean custom = !s.equals(DEFAULT_SESSIONS);
        String r = runs != null ? runs : custom ? s + "_runs" : DEFAULT_RUNS;
        String i = instances != null ? instances : custom ? s + "_instances" : DEFAULT_INSTANCES;
        return new Tables(s, r, i);
    }

    /** What each session's ended runs used per model: named after the session table, not configured on its own. */
    public String usage() {
        return sessions + "_usage";
    }

    /**
     * Where user memories are kept: {@code cadre_memories} next to the default session table, else named after the
     * session table ({@code <sessions>_memories}), so two stores with different session tables keep apart.
     */
    public String memories() {
        return memoriesOf(sessions);
    }

    private static String memoriesOf(String sessions) {
        return sessions.equals(DEFAULT_SESSIONS) ? "cadre_memories" : sessions + "_memories";
    }

    /** Flyway's history table: one per set of tables, so stores with other tables migrate on their own. */
    public String history() {
        return sessions + "_schema_history";
    }

    public Map<String, String> placeholders() {
        return Map.of("session_table", sessions, "run_table", runs, "instance_table", instances, "usage_table",
                usage(), "memory_table", memories());
    }

    public static void check(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " name '" + name
                    + "': use lower-case letters, digits and _ (not first), at most 40 characters");
        }
    }
}
