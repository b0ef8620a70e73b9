package dev.cadre.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code RunStream.awaitNext}: a reader can wait for "the next event or a timeout" without taking anything. */
class QueueRunStreamAwaitTest {

    private final RunControl control = RunControl.root("r");
    private final QueueRunStream stream = new QueueRunStream("r", "s", true, control, 4);

    private static RunEvent content(String text) {
        return new RunContent(Instant.now(), "r", "s", Optional.empty(), "a", "A", text);
    }

    @Test
    void aQuietStreamAnswersFalseOnceTheTimeoutHasPassed() throws Exception {
        assertThat(stream.awaitNext(Duration.ZERO)).isFalse();
        assertThat(stream.awaitNext(Duration.ofMillis(1))).isFalse();
        assertThat(control.isCancelled()).isFalse();
    }

    @Test
    void aBufferedEventMakesItTrueAndIsStillHandedOutByTheIterator() throws Exception {
        RunEvent e = content("hello");
        stream.emit(e);

        assertThat(stream.awaitNext(Duration.ZERO)).isTrue();
        assertThat(stream.awaitNext(Duration.ZERO)).as("nothing was taken").isTrue();
        Iterator<RunEvent> it = stream.iterator();
        assertThat(it.next()).isSameAs(e);
        assertThat(stream.awaitNext(Duration.ZERO)).isFalse();
    }

    @Test
    void aWaitEndsWhenAnEventArrives() throws Exception {
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return stream.awaitNext(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        stream.emit(content("late"));

        assertThat(waiting.get(1, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void theEndOfTheStreamMakesItTrueAndTheIteratorThenSaysSo() throws Exception {
        stream.finish(null, null);

        assertThat(stream.awaitNext(Duration.ofMinutes(5))).isTrue();
        assertThat(stream.iterator().hasNext()).isFalse();
        assertThat(stream.awaitNext(Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void anEventTheIteratorAlreadyTookCountsAsThere() throws Exception {
        stream.emit(content("peeked"));
        Iterator<RunEvent> it = stream.iterator();
        assertThat(it.hasNext()).isTrue(); // takes the event out of the buffer into the iterator

        assertThat(stream.awaitNext(Duration.ZERO)).isTrue();
        assertThat(it.next()).isInstanceOf(RunContent.class);
    }

    @Test
    void anInterruptIsThrownAndLeavesTheRunAlone() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> stream.awaitNext(Duration.ofMinutes(5))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(control.isCancelled()).isFalse();
    }

    @Test
    void aClosedStreamAnswersTrueAtOnceAndTheIteratorEnds() throws Exception {
        stream.finish(null, null); // so that close() does not wait for the run
        stream.close();

        assertThat(stream.awaitNext(Duration.ofMinutes(5))).isTrue();
        assertThat(stream.iterator().hasNext()).isFalse();
    }
}
