package dev.cadre.db;

import dev.cadre.run.RunResult;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The usage figures of {@link InMemoryDb}, computed from its records when asked: the reference for what the
 * database stores keep and aggregate. Stateless; callers hold the store's lock.
 */
final class InMemoryUsage {

    private InMemoryUsage() {
    }

    /** A session's usage from all its runs, as {@link ModelUsage#countedFor} counts each. */
    static SessionUsage of(Collection<RunResult> sessionRuns) {
        Map<List<String>, TokenCounts> byModel = new LinkedHashMap<>();
        for (RunResult r : sessionRuns) {
            for (ModelUsage m : ModelUsage.countedFor(r)) {
                byModel.merge(List.of(m.modelId(), m.provider()), m.tokens(), TokenCounts::plus);
            }
        }
        List<ModelUsage> models = new ArrayList<>();
        byModel.forEach((k, tokens) -> models.add(new ModelUsage(k.get(0), k.get(1), tokens)));
        return new SessionUsage(models);
    }

    /** A stored run with when it was last written. */
    record Written(RunResult run, Instant updatedAt) {
    }

    static List<DailyUsage> byDay(UsageQuery q, Collection<SessionRecord> sessions, Collection<Written> runs) {
        Map<String, SessionRecord> sessionById = new LinkedHashMap<>();
        sessions.forEach(s -> sessionById.put(s.sessionId(), s));
        TreeMap<LocalDate, Day> days = new TreeMap<>();
        for (SessionRecord s : sessions) {
            if (q.userId().isPresent() && !q.userId().equals(s.userId())) {
                continue;
            }
            LocalDate date = day(s.createdAt());
            if (inRange(q, date)) {
                days.computeIfAbsent(date, d -> new Day()).addSession(s);
            }
        }
        for (Written w : runs) {
            RunResult r = w.run();
            SessionRecord s = sessionById.get(r.sessionId());
            if (s == null || !r.status().isTerminal() || q.userId().isPresent() && !q.userId().equals(r.userId())) {
                continue;
            }
            LocalDate date = day(r.createdAt());
            if (inRange(q, date)) {
                days.computeIfAbsent(date, d -> new Day()).addRun(r, s.type(), w.updatedAt());
            }
        }
        List<DailyUsage> out = new ArrayList<>();
        days.forEach((date, d) -> out.add(d.toUsage(date)));
        return out;
    }

    private static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    private static boolean inRange(UsageQuery q, LocalDate date) {
        return q.from().map(f -> !date.isBefore(f)).orElse(true) && q.to().map(t -> !date.isAfter(t)).orElse(true);
    }

    private static final class Day {
        long agentRuns;
        long agentSessions;
        long teamRuns;
        long teamSessions;
        final Set<String> users = new HashSet<>();
        TokenCounts tokens = TokenCounts.ZERO;
        final TreeMap<List<String>, Long> models = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
                ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        Instant first;
        Instant last;

        void addSession(SessionRecord s) {
            if (s.type() == SessionType.TEAM) {
                teamSessions++;
            } else {
                agentSessions++;
            }
            seen(s.createdAt(), s.updatedAt());
        }

        void addRun(RunResult r, SessionType sessionType, Instant updatedAt) {
            if (sessionType == SessionType.TEAM) {
                teamRuns++;
            } else {
                agentRuns++;
            }
            r.userId().ifPresent(users::add);
            tokens = tokens.plus(TokenCounts.of(r.metrics()));
            r.model().ifPresent(m -> models.merge(List.of(m, r.modelProvider().orElse("")), 1L, Long::sum));
            seen(r.createdAt(), updatedAt);
        }

        private void seen(Instant created, Instant updated) {
            first = first == null || created.isBefore(first) ? created : first;
            last = last == null || updated.isAfter(last) ? updated : last;
        }

        DailyUsage toUsage(LocalDate date) {
            List<DailyUsage.ModelRuns> m = new ArrayList<>();
            models.forEach((k, n) -> m.add(new DailyUsage.ModelRuns(k.get(0), k.get(1), n)));
            return new DailyUsage(date, agentRuns, agentSessions, teamRuns, teamSessions, users.size(), tokens, m,
                    first, last);
        }
    }
}
