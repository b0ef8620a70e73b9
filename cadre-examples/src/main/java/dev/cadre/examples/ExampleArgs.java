package dev.cadre.examples;

import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.db.Db;

/** The examples' command line: {@code [--db URL]}, SQLite in the working directory by default. */
record ExampleArgs(String db) {

    static ExampleArgs parse(String[] args, String defaultDb) {
        String db = defaultDb;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> {
                    if (i + 1 == args.length) {
                        throw usage("--db needs a value");
                    }
                    db = args[++i];
                }
                case "-h", "--help" -> throw usage(null);
                default -> throw usage("unknown argument '" + args[i] + "'");
            }
        }
        return new ExampleArgs(db);
    }

    Db openDb() {
        return JdbcDbs.open(db);
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException((problem == null ? "" : problem + "\n")
                + "usage: [--db URL]   URL: sqlite:FILE (default sqlite:cadre.db), jdbc:postgresql://HOST:PORT/DB?user=U,"
                + " or postgresql://USER:PASSWORD@HOST:PORT/DB");
    }
}
