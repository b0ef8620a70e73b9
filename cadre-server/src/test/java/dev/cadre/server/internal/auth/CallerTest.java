package dev.cadre.server.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a caller may do, from its scopes alone. */
class CallerTest {

    private static Caller withScopes(String... scopes) {
        return new Caller(Optional.of("u"), Optional.empty(), List.of(scopes), false, true, true);
    }

    @Test
    void canNeedsTheActionOnTheTypeGloballyByWildcardOrForThatId() {
        assertThat(withScopes("teams:run").can("teams", "research-team", "run")).isTrue();
        assertThat(withScopes("teams:*:run").can("teams", "research-team", "run")).isTrue();
        assertThat(withScopes("teams:research-team:run").can("teams", "research-team", "run")).isTrue();

        assertThat(withScopes("teams:research-team:read").can("teams", "research-team", "run")).isFalse();
        assertThat(withScopes("teams:other:run").can("teams", "research-team", "run")).isFalse();
        assertThat(withScopes("agents:run").can("teams", "research-team", "run")).isFalse();
        assertThat(withScopes().can("teams", "research-team", "run")).isFalse();
    }

    @Test
    void anAdminOrAnUnenforcedCallerCanDoAnything() {
        Caller admin = new Caller(Optional.of("u"), Optional.empty(), List.of(), true, false, true);
        Caller unenforced = new Caller(Optional.of("u"), Optional.empty(), List.of(), false, false, false);

        assertThat(admin.can("agents", "a", "run")).isTrue();
        assertThat(admin.mayList("agents", "a")).isTrue();
        assertThat(unenforced.can("agents", "a", "run")).isTrue();
        assertThat(unenforced.mayList("agents", "a")).isTrue();
    }

    @Test
    void aScopeStringAloneNeverMakesAnAdmin() {
        // Whether the holder is admin was decided with the configured admin scope; the default string is no bypass.
        assertThat(withScopes("agent_os:admin").can("agents", "a", "run")).isFalse();
    }

    @Test
    void mayListAcceptsReadOrRunOnTheResource() {
        Caller caller = withScopes("agents:a:read", "agents:b:run", "agents:c:write", "teams:d:read");

        assertThat(caller.mayList("agents", "a")).isTrue();
        assertThat(caller.mayList("agents", "b")).isTrue();
        assertThat(caller.mayList("agents", "c")).isFalse();
        assertThat(caller.mayList("agents", "d")).isFalse();
        assertThat(caller.mayList("teams", "d")).isTrue();
    }

    @Test
    void theScopedUserIdIsPresentOnlyWhenIsolated() {
        assertThat(withScopes().scopedUserId()).hasValue("u");
        assertThat(new Caller(Optional.of("u"), Optional.empty(), List.of(), false, false, true).scopedUserId())
                .isEmpty();
    }

    @Test
    void onlyANonAdminWithAUserIdCanBeIsolated() {
        assertThatThrownBy(() -> new Caller(Optional.empty(), Optional.empty(), List.of(), false, true, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Caller(Optional.of("u"), Optional.empty(), List.of(), true, true, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAnonymousCallerIsNobodyAndUnrestricted() {
        Caller anonymous = Caller.anonymous();

        assertThat(anonymous.userId()).isEmpty();
        assertThat(anonymous.sessionId()).isEmpty();
        assertThat(anonymous.scopes()).isEmpty();
        assertThat(anonymous.admin()).isFalse();
        assertThat(anonymous.isolated()).isFalse();
        assertThat(anonymous.can("teams", "t", "run")).isTrue();
        assertThat(anonymous.mayList("agents", "a")).isTrue();
    }
}
