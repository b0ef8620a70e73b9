package dev.cadre.model.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HttpRetryRulesTest {

    private final HttpRetryRules rules = new HttpRetryRules(
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8)), Duration.ofSeconds(60));

    private static Function<String, Optional<String>> headers(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    @Test
    void retriesTimeoutsConflictsRateLimitsAndServerErrorsButNotOtherClientErrors() {
        for (int status : new int[] {408, 409, 429, 500, 503, 529}) {
            assertThat(rules.retryDelay(status, headers(Map.of()), 0)).as("HTTP %d", status)
                    .hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(375), Duration.ofMillis(500)));
        }
        for (int status : new int[] {400, 401, 403, 404, 422}) {
            assertThat(rules.retryDelay(status, headers(Map.of()), 0)).as("HTTP %d", status).isEmpty();
        }
    }

    @Test
    void theServerMayOverruleWithXShouldRetry() {
        assertThat(rules.retryDelay(500, headers(Map.of("x-should-retry", "false")), 0)).isEmpty();
        assertThat(rules.retryDelay(400, headers(Map.of("x-should-retry", "true")), 0)).isPresent();
    }

    @Test
    void theServersWaitWinsMillisecondsFirst() {
        assertThat(rules.retryDelay(429, headers(Map.of("retry-after-ms", "250", "retry-after", "9")), 0))
                .contains(Duration.ofMillis(250));
        assertThat(rules.retryDelay(429, headers(Map.of("retry-after-ms", "soon", "retry-after", "9")), 0))
                .contains(Duration.ofSeconds(9));
    }

    @Test
    void aWaitLongerThanMaxRetryAfterIsNotRetried() {
        assertThat(rules.retryDelay(429, headers(Map.of("retry-after", "61")), 0)).isEmpty();
        assertThat(rules.retryDelay(429, headers(Map.of("retry-after", "60")), 0)).contains(Duration.ofSeconds(60));
    }
}
