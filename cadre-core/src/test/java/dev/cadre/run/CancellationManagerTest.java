package dev.cadre.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CancellationManagerTest {

    @Test
    void theLocalManagerDeliversToEverySubscriberUntilItsSubscriptionIsClosed() {
        CancellationManager local = CancellationManager.local();
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        CancellationManager.Subscription one = local.subscribe(first::add);
        local.subscribe(second::add);

        local.publish("r1");
        one.close();
        one.close(); // idempotent
        local.publish("r2");

        assertThat(first).containsExactly("r1");
        assertThat(second).containsExactly("r1", "r2");
    }
}
