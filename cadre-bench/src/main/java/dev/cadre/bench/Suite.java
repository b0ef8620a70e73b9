package dev.cadre.bench;

import java.util.List;

/** One benchmark of the eight; runs in a JVM of its own and returns its lines of the table. */
interface Suite {

    String name();

    /** What it measures, one line, for the report. */
    String title();

    List<Result> run(Config config) throws Exception;

    static List<Suite> all() {
        return List.of(new InstantiationSuite(), new OverheadSuite(), new CancelSuite(), new BackgroundSuite(),
                new ConcurrencySuite(), new ListingSuite(), new StartupSuite(), new DurableSuite());
    }

    static Suite named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no benchmark named " + name));
    }
}
