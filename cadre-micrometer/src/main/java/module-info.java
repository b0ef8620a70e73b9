/**
 * Micrometer metrics of Cadre runs ({@code CadreMetrics}): counters and timers of runs, model requests, tokens,
 * tool calls, delegations and cancels, and gauges of a run manager's running and queued runs. Built on
 * Micrometer's facade ({@code micrometer-core}) only; the application brings the registry it exports to.
 * {@code dev.cadre.micrometer.internal} is not exported.
 *
 * <p>Micrometer's jars are automatic modules with declared names ({@code Automatic-Module-Name}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module dev.cadre.micrometer {
    requires transitive dev.cadre.core;
    requires transitive micrometer.core;

    exports dev.cadre.micrometer;
}
