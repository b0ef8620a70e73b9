package dev.cadre.db;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * What happened on one UTC day: sessions created that day, and runs that started that day and have ended. A
 * run counts as an agent run or a team run by the type of its session (a team's member runs count as team runs,
 * as AgentOS counts them).
 *
 * @param users distinct user ids of the day's counted runs
 * @param tokens the tokens of the day's counted runs
 * @param models how many of the day's counted runs each model served (runs without a model are not listed),
 *     ordered by model id then provider
 * @param firstActivity the earliest creation among the day's counted sessions and runs
 * @param lastActivity the latest write among the day's counted sessions and runs
 */
public record DailyUsage(LocalDate date, long agentRuns, long agentSessions, long teamRuns, long teamSessions,
        long users, TokenCounts tokens, List<ModelRuns> models, Instant firstActivity, Instant lastActivity) {

    /** How many runs of one day one model served. */
    public record ModelRuns(String modelId, String provider, long runs) {
        public ModelRuns {
            Objects.requireNonNull(modelId, "modelId");
            Objects.requireNonNull(provider, "provider");
        }
    }

    public DailyUsage {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(tokens, "tokens");
        models = List.copyOf(models);
        Objects.requireNonNull(firstActivity, "firstActivity");
        Objects.requireNonNull(lastActivity, "lastActivity");
    }
}
