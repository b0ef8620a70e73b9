package dev.cadre.jdbc.internal;

/** The SQL differences between the databases Cadre stores runs in; everything else is shared. */
public enum Dialect {
    SQLITE("SQLite", "sqlite", "?"),
    POSTGRES("PostgreSQL", "postgresql", "CAST(? AS jsonb)");

    private final String displayName;
    private final String migrationFolder;
    private final String jsonParameter;

    Dialect(String displayName, String migrationFolder, String jsonParameter) {
        this.displayName = displayName;
        this.migrationFolder = migrationFolder;
        this.jsonParameter = jsonParameter;
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
}
