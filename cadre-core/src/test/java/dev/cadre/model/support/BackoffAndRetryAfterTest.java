package dev.cadre.model.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffAndRetryAfterTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8));

    @Test
    void theBackoffDoublesFromItsFirstWaitUpToItsCapLessAtMostAQuarterOfJitter() {
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.delay(0)).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
            assertThat(backoff.delay(2)).isBetween(Duration.ofMillis(1500), Duration.ofMillis(2000));
            assertThat(backoff.delay(10)).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(8));
        }
    }

    @Test
    void aBackoffNeedsAPositiveFirstWaitAndACapNoShorter() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than initial");
    }

    @Test
    void retryAfterReadsSecondsAndFractionsOfThem() {
        assertThat(RetryAfter.parse("2")).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(" 0.25 ")).contains(Duration.ofMillis(250));
    }

    @Test
    void retryAfterReadsAnHttpDateAndAPastOneMeansNoWait() {
        String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
        assertThat(RetryAfter.parse(inAnHour)).hasValueSatisfying(d ->
                assertThat(d).isBetween(Duration.ofMinutes(50), Duration.ofHours(1)));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
    }

    @Test
    void retryAfterIsEmptyForWhatItCannotRead() {
        assertThat(RetryAfter.parse("")).isEmpty();
        assertThat(RetryAfter.parse("-1")).isEmpty();
        assertThat(RetryAfter.parse("soon")).isEmpty();
        assertThat(RetryAfter.parse("NaN")).isEmpty();
    }

    @Test
    void retryAfterMsReadsMillisecondsAndIsEmptyForAnythingElse() {
        assertThat(RetryAfter.parseMillis("1500")).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parseMillis("0.5")).contains(Duration.ofNanos(500_000));
        assertThat(RetryAfter.parseMillis("-3")).isEqualTo(Optional.empty());
        assertThat(RetryAfter.parseMillis("later")).isEmpty();
    }
}
