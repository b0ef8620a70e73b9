package dev.cadre.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunStatus;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunControlTest {

    @Test
    void cancelFiresAbortActionsOnceAndCascadesToChildren() {
        RunControl team = RunControl.root("team");
        RunControl member = team.child("member");
        RunControl nested = member.child("nested");
        AtomicInteger aborts = new AtomicInteger();
        member.onAbort(aborts::incrementAndGet);

        assertThat(team.cancel("stop")).isEqualTo(RunStatus.CANCELLED);
        assertThat(team.cancel("again")).isEqualTo(RunStatus.CANCELLED);

        assertThat(aborts).hasValue(1);
        assertThat(nested.isCancelled()).isTrue();
        assertThat(nested.reason()).isEqualTo("stop");
        assertThat(team.whenCancelled()).isCompletedWithValue("stop");
    }

    @Test
    void theFirstDecisionWins() {
        RunControl run = RunControl.root("r");
        AtomicInteger aborts = new AtomicInteger();
        run.onAbort(aborts::incrementAndGet);

        assertThat(run.decide(RunStatus.COMPLETED)).isTrue();
        assertThat(run.cancel("too late")).isEqualTo(RunStatus.COMPLETED);

        assertThat(run.isCancelled()).isFalse();
        assertThat(aborts).hasValue(0);
    }

    @Test
    void anActionRegisteredAfterTheCancelRunsAtOnceAndAChildOfACancelledRunStartsCancelled() {
        RunControl run = RunControl.root("r");
        run.cancel("stop");
        AtomicInteger aborts = new AtomicInteger();
        run.onAbort(aborts::incrementAndGet);
        assertThat(aborts).hasValue(1);
        assertThat(run.child("late").isCancelled()).isTrue();
    }

    @Test
    void aClosedRegistrationDoesNotFire() {
        RunControl run = RunControl.root("r");
        AtomicInteger aborts = new AtomicInteger();
        run.onAbort(aborts::incrementAndGet).close();
        run.cancel("stop");
        assertThat(aborts).hasValue(0);
    }
}
