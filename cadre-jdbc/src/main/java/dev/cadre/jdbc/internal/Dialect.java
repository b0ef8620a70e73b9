package dev.cadre.jdbc.internal;

/** The SQL differences between the databases Cadre stores runs in; everything else is shared. */
public enum Dialect {
    SQLITE("SQLite", "sqlite", "?", ""),
    // SQLite has no row locks: its single writer connection and IMMEDIATE transactions serialize writes.
    POSTGRES("PostgreSQL", "postgresql", "CAST(? AS jsonb)", " FOR UPDATE");

    private final String displayName;
    private final String migrationFolder;
    private final String jsonParameter;
    private final String forUpdate;

    Dialect(String displayName, String migrationFolder, String jsonParameter, String forUpdate) {
        this.displayName = displayName;
        this.migrationFolder = migrationFolder;
        this.jsonParameter = jsonParameter;
        this.forUpdate = forUpdate;
    }

    public String displayName() {
        return displayName;
    }

    /** Where this dialect's Flyway migrations live on the class path. */
    public String migrationLocation() {
        return "classpath:dev/cadre/jdbc/migration/" + migrationFolder;
    }

    /** A bind parameter for a JSON column: SQLite keeps JSON as text, PostgreSQL as {@code jsonb}. */
    public String jsonParameter() {
        return jsonParameter;
    }

    /** What a {@code SELECT} inside a write transaction ends with to lock the rows it reads until the commit. */
    public String forUpdate() {
        return forUpdate;
    }
}
