package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.Reply;
import org.junit.jupiter.api.Test;

/**
 * A stop that is not a drain ({@link DurableRuns#close}) cancels the runs executing here, as documented: each ends
 * {@code CANCELLED}, its end stored and its workflow recorded as done — not {@code ERROR} because DBOS went away
 * under it.
 */
class CloseTest extends InProcessTest {

    @Test
    void closingCancelsTheRunsExecutingHereAndRecordsTheirEnd() throws Exception {
        fake.enqueue(Reply.stall());
        Agent agent = agent(db);
        DurableRuns durable = durable(agent, 2);
        String runId = durable.submit(agent, RunRequest.of("Hold on")).runId();
        fake.awaitRequest(r -> true, 1, WAIT);

        durable.close();

        assertThat(db.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(workflow(runId)).as("its workflow ended").hasValueSatisfying(w -> assertThat(w).startsWith("SUCCESS"));
        assertThat(fake.requests().getFirst().awaitDisconnect(WAIT)).as("its model call closed").isTrue();
    }
}
