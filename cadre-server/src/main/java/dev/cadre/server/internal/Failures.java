package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunRefusedException;
import dev.cadre.db.DbException;
import io.javalin.http.Context;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns failures into HTTP answers. Only typed failures become 4xx or 503; anything else is a 500 —
 * a server bug must not pass for a client mistake. Bodies never carry what only the operator should
 * see (SQL states, hosts, ports, files, class names, parser internals): that goes to the log, under an
 * error id the body quotes.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** A short id that ties an answer to the log line with the details. */
    private static String errorId() {
        return String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    /** A failure as an {@link ApiException}, logging the details of those that are not the client's fault. */
    static ApiException toApi(Context ctx, Throwable e) {
        return switch (e) {
            case ApiException api -> api;
            case DbException store -> store(ctx, store);
            case RunRefusedException refused -> new ApiException(switch (refused.reason()) {
                case RUN_ID_IN_USE -> 409;
                case SHUT_DOWN -> 503;
                case NO_MODEL, NO_DB -> 400;
            }, refused.getMessage());
            case RejectedExecutionException rejected -> {
                String id = log(ctx, "was refused: the background queue is full", rejected);
                yield new ApiException(503, "Too many background runs are waiting; retry later (error " + id + ")");
            }
            default -> {
                String id = log(ctx, "failed", e);
                yield new ApiException(500, "Internal server error; the server's log has the details under error "
                        + id);
            }
        };
    }

    private static ApiException store(Context ctx, DbException e) {
        return switch (e.kind()) {
            case UNAVAILABLE -> {
                String id = logBrief(ctx, e);
                yield new ApiException(503, "The database is unavailable right now; the request may be retried"
                        + " (error " + id + ")");
            }
            case CLOSED -> {
                String id = logBrief(ctx, e);
                yield new ApiException(503, "The server is shutting down and its database is closed (error " + id
                        + ")");
            }
            case CONFLICT -> new ApiException(409, "A run with that id exists already; run ids must be unique");
            case NOT_FOUND -> new ApiException(404, "Not found");
            case FAILED -> {
                String id = log(ctx, "failed in the database", e);
                yield new ApiException(500, "The database failed; the server's log has the details under error " + id);
            }
        };
    }

    /** Answers {@code e} as AgentOS does: {@code {"detail": ...}} with the status. */
    static void answer(Context ctx, ApiException e) {
        ObjectNode n = CadreJson.mapper().createObjectNode();
        n.set("detail", e.detail());
        if (e.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(e.status()).contentType("application/json").result(CadreJson.write(n));
    }

    /** A safe sentence about {@code e} for an SSE error event, with the details logged under an id. */
    static String safeMessage(String runId, Throwable e) {
        String id = errorId();
        if (e instanceof DbException se && se.isTransient()) {
            LOG.warn("Run {}: {} [error {}]", runId, se.getMessage(), id);
            return "The run's final state could not be stored: the database is unavailable. It is kept and written"
                    + " when the database is back; poll the run later (error " + id + ")";
        }
        LOG.error("Run {} failed outside its own events [error {}]", runId, id, e);
        return "The run failed on the server; the server's log has the details under error " + id;
    }

    private static String log(Context ctx, String what, Throwable e) {
        String id = errorId();
        LOG.error("{} {} {} [error {}]", ctx.method(), ctx.path(), what, id, e);
        return id;
    }

    /** Availability problems are expected during outages: one line, no stack trace. */
    private static String logBrief(Context ctx, DbException e) {
        String id = errorId();
        LOG.warn("{} {}: {} [error {}]", ctx.method(), ctx.path(), e.getMessage(), id);
        return id;
    }
}
