package dev.cadre.bench;

/**
 * How big each benchmark is. Three sizes: {@link #QUICK} (the default, a few minutes on 2 cores),
 * {@link #FULL} (the numbers to publish) and {@link #SMOKE} (seconds; only checks that every
 * benchmark runs and produces numbers).
 */
public record Config(
        String mode,
        // JMH: forks (0 = in this JVM), warm-up and measurement iterations, seconds per iteration
        int jmhForks, int jmhWarmups, int jmhIterations, double jmhSeconds,
        int heapInstances,          // instances held alive to measure retained heap
        int overheadWarmups,        // interleaved rounds before measuring
        int overheadRounds,         // interleaved rounds measured (one sample per variant each)
        int cancelSamples,          // cancels per database
        int cancelParallel,         // runs streaming at once while cancels are taken
        long cancelTokenGapMillis,  // the fake server's gap between two tokens
        int commitSamples,          // commits timed for the database floors
        int backgroundRuns,         // background runs submitted per database
        int inFlightRuns,           // background runs held in flight at once
        int listingSessions,        // sessions stored for the listing benchmark
        int listingSamples,         // timed listings of 20 sessions per variant
        int listingBigSamples,      // timed listings of 1000 sessions per variant
        double listingBudgetSeconds, // at most this long per timed variant (at least 5 samples)
        double listingLoadSeconds,  // how long the concurrent clients hammer GET /sessions
        int listingClients,         // concurrent clients of that load
        int durableProcesses,       // durable: the largest fleet measured (1 … this many processes)
        int durableRuns,            // durable: timed background runs per fleet size (and for local mode)
        int durableAcceptSamples,   // durable: idle accepts timed, in each mode
        int durableCancelSamples,   // durable: cross-process cancels timed
        int durableRecoveryRuns,    // durable: runs executing on the process that is killed
        int durableKills,           // durable: kill -9 rounds (at most durableProcesses − 1)
        boolean postgres) {         // also run the PostgreSQL variants

    public static final Config QUICK = new Config("quick", 1, 3, 5, 1.0, 50_000,
            300, 1_500, 60, 10, 500, 2_000, 2_000, 4_000,
            10_000, 200, 20, 15, 10, 50,
            3, 100, 10, 10, 20, 1, true);

    public static final Config FULL = new Config("full", 2, 5, 10, 2.0, 200_000,
            2_000, 10_000, 400, 20, 500, 10_000, 10_000, 10_000,
            10_000, 1_000, 100, 60, 30, 50,
            3, 3_000, 200, 50, 100, 2, true);

    public static final Config SMOKE = new Config("smoke", 0, 1, 1, 0.2, 2_000,
            5, 20, 4, 4, 200, 50, 40, 40,
            50, 10, 3, 5, 1, 8,
            2, 10, 5, 2, 3, 1, true);

    public static Config named(String mode) {
        return switch (mode) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            case "smoke" -> SMOKE;
            default -> throw new IllegalArgumentException("unknown mode " + mode + " (quick, full, smoke)");
        };
    }
}
