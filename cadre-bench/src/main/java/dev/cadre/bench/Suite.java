package dev.cadre.bench;

import java.util.List;

/** One benchmark of the ten; runs in a JVM of its own and returns its lines of the table. */
interface Suite {

    String name();

    /** What it measures, one line, for the report. */
    String title();

    List<Result> run(Config config) throws Exception;

    /** The flags of the JVM it runs in: by default a fixed heap of {@link Bench#HEAP}. */
    default List<String> jvmFlags() {
        return List.of("-Xms" + Bench.HEAP, "-Xmx" + Bench.HEAP);
    }

    static List<Suite> all() {
        return List.of(new InstantiationSuite(), new OverheadSuite(), new CancelSuite(), new BackgroundSuite(),
                new ConcurrencySuite(), new ListingSuite(), new StartupSuite(), new DurableSuite(), new StreamingSuite(),
                new RampSuite());
    }

    static Suite named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no benchmark named " + name));
    }
}
