package dev.cadre.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.event.RunContent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A resumable run's buffer keeps its newest frames only, and readers skip what it no longer has. */
class ResumableBufferTest {

    private final ResumableRuns.Buffer buffer = new ResumableRuns.Buffer("r", "s", "echo", Optional.empty(), 3);

    private void add(int n) {
        for (int i = 0; i < n; i++) {
            buffer.add(new RunContent(Instant.now(), "r", "s", Optional.empty(), "echo", "Echo", "w" + i));
        }
    }

    @Test
    void itHoldsNoMoreThanItsBoundAndKeepsTheNewest() throws Exception {
        add(5);

        assertThat(buffer.held()).isEqualTo(3);
        ResumableRuns.Snapshot all = buffer.await(0, Duration.ZERO);
        assertThat(all.total()).isEqualTo(5);
        assertThat(all.buffered()).isEqualTo(3);
        assertThat(all.frames()).hasSize(3);
        assertThat(all.frames().get(0)).contains("\"event_index\":2").contains("\"content\":\"w2\"");
        assertThat(all.frames().get(2)).contains("\"event_index\":4");
    }

    @Test
    void aReaderBehindTheOldestKeptFrameGetsWhatIsKeptAndReadsOnFromTheTotal() throws Exception {
        add(2);
        ResumableRuns.Snapshot first = buffer.await(0, Duration.ZERO);
        assertThat(first.frames()).hasSize(2);

        add(4); // frames 2..5; 2 was dropped already
        ResumableRuns.Snapshot next = buffer.await(first.total(), Duration.ZERO);

        assertThat(next.frames()).hasSize(3);
        assertThat(next.frames().getFirst()).contains("\"event_index\":3");
        assertThat(next.total()).isEqualTo(6);
        assertThat(buffer.await(next.total(), Duration.ZERO).frames()).isEmpty();
    }

    @Test
    void whatAResumeCanStillBeGivenCountsOnlyKeptFrames() {
        add(5);
        ResumableRuns.Snapshot now = buffer.now();

        assertThat(now.available(0)).isEqualTo(3);
        assertThat(now.available(4)).isEqualTo(1);
        assertThat(now.available(5)).isZero();
    }

    @Test
    void anErrorAtTheEndTakesTheNextIndexAndEndsTheBuffer() throws Exception {
        add(4);
        buffer.addError("RunError", SseWriter.errorJson("RunError", "r", "s", "lost", "final_state_not_stored"));

        ResumableRuns.Snapshot end = buffer.await(0, Duration.ZERO);
        assertThat(end.ended()).isTrue();
        assertThat(end.status()).isEqualTo("error");
        assertThat(end.frames()).hasSize(3);
        assertThat(end.frames().getLast()).startsWith("event: RunError").contains("\"event_index\":4");
    }
}
