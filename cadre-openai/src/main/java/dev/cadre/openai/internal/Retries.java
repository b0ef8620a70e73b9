package dev.cadre.openai.internal;

import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.Backoff;
import dev.cadre.model.support.HttpRetryRules;
import dev.cadre.model.support.RetryPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * When Cadre's retry loop retries an OpenAI call (the SDK runs with {@code maxRetries(0)}, so that an abort is
 * checked before every attempt and cuts a backoff short). Follows the OpenAI SDK policy: retry 408, 409, 429,
 * 5xx and connection failures; honour {@code x-should-retry}, then {@code retry-after-ms}, then
 * {@code retry-after} (seconds or an HTTP date); otherwise back off exponentially from 0.5 s to 8 s with jitter.
 * A server asking for a longer wait than {@code maxRetryAfter} is not retried. Not public API.
 */
public final class Retries implements RetryPolicy {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8));

    private final Settings settings;
    private final HttpRetryRules rules;

    public Retries(Settings settings) {
        this.settings = settings;
        this.rules = new HttpRetryRules(BACKOFF, settings.maxRetryAfter());
    }

    @Override
    public Optional<Duration> retryDelay(RuntimeException e, int attempt) {
        if (e instanceof OpenAIServiceException s) {
            if (s.code().filter("insufficient_quota"::equals).isPresent()) {
                return Optional.empty();
            }
            return rules.retryDelay(s.statusCode(), name -> header(s, name), attempt);
        }
        if (e instanceof OpenAIIoException) {
            return Optional.of(BACKOFF.delay(attempt));
        }
        return Optional.empty();
    }

    @Override
    public ModelException giveUp(RuntimeException e, int attempts) {
        return Errors.map(e, settings, attempts);
    }

    private static Optional<String> header(OpenAIServiceException s, String name) {
        var values = s.headers().values(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0).trim());
    }
}
