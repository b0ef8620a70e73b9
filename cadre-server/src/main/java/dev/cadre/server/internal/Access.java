package dev.cadre.server.internal;

import dev.cadre.Component;
import dev.cadre.Team;
import dev.cadre.run.RunResult;
import dev.cadre.server.internal.auth.Authenticator;
import dev.cadre.server.internal.auth.Caller;
import dev.cadre.server.internal.auth.Decision;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who a request comes from and what it may touch. The before-handler authenticates each request and keeps its
 * {@link Caller}; handlers then ask here whose runs a new run is for, and whether a session or run is visible
 * to the caller. Under user isolation another user's session or run is treated exactly as one that does not
 * exist.
 */
final class Access {

    private static final String CALLER = "cadre.caller";

    private final Authenticator authenticator;

    Access(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    String mode() {
        return authenticator.mode();
    }

    /** The before-handler: a refused request ends here with its 401 or 403. */
    void authenticate(Context ctx) {
        if (DashboardRoutes.isStaticAsset(ctx.method().name(), ctx.path())) {
            // The page and its scripts hold nothing secret; the page asks for the token the JSON it reads needs.
            ctx.attribute(CALLER, Caller.anonymous());
            return;
        }
        switch (authenticator.authenticate(ctx.method().name(), ctx.path(), Optional.ofNullable(ctx.header(
                "Authorization")))) {
            case Decision.Allowed allowed -> ctx.attribute(CALLER, allowed.caller());
            case Decision.Denied denied -> throw new ApiException(denied.status(), denied.detail());
        }
    }

    static Caller caller(Context ctx) {
        Caller c = ctx.attribute(CALLER);
        return c == null ? Caller.anonymous() : c;
    }

    /** The user a new run is for: the token's user when there is one, else what the client said. */
    static Optional<String> runUser(Context ctx, Optional<String> fromClient) {
        return caller(ctx).userId().or(() -> fromClient);
    }

    /** The session a new run goes to: the token's {@code session_id} claim when it has one, else the client's. */
    static Optional<String> runSession(Context ctx, Optional<String> fromClient) {
        return caller(ctx).sessionId().or(() -> fromClient);
    }

    /** Whether the caller may see (and act on) something of {@code userId}. */
    static boolean owns(Context ctx, Optional<String> userId) {
        Optional<String> scoped = caller(ctx).scopedUserId();
        return scoped.isEmpty() || scoped.equals(userId);
    }

    static boolean sees(Context ctx, SessionRecord s) {
        return owns(ctx, s.userId());
    }

    static boolean sees(Context ctx, RunResult r) {
        return owns(ctx, r.userId());
    }

    /** A session listing narrowed to the caller's own sessions under isolation. */
    static SessionQuery scope(Context ctx, SessionQuery q) {
        return caller(ctx).scopedUserId().map(q::withUserId).orElse(q);
    }

    /** Whether the caller may see {@code c} in a listing. */
    static boolean lists(Context ctx, Component<?> c) {
        return caller(ctx).mayList(type(c), c.id());
    }

    /** 403 unless the caller may run (and cancel) runs of {@code c}. */
    static void requireRun(Context ctx, Component<?> c) {
        if (!caller(ctx).can(type(c), c.id(), "run")) {
            throw new ApiException(403, "Insufficient permissions. Required scope(s): " + type(c) + ":run");
        }
    }

    private static String type(Component<?> c) {
        return c instanceof Team ? "teams" : "agents";
    }
}
