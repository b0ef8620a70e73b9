package dev.cadre.internal;

import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one run, called so that none can break it: whatever a callback throws is logged and
 * dropped. Immutable.
 */
public final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    static final Listeners NONE = new Listeners(List.of());

    private final List<RunListener> all;

    private Listeners(List<RunListener> all) {
        this.all = all;
    }

    /** These listeners followed by {@code more}, each listener once. */
    Listeners plus(List<RunListener> more) {
        if (more.isEmpty()) {
            return this;
        }
        Set<RunListener> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<RunListener> out = new ArrayList<>();
        for (RunListener l : all) {
            if (seen.add(l)) {
                out.add(l);
            }
        }
        for (RunListener l : more) {
            if (seen.add(l)) {
                out.add(l);
            }
        }
        return new Listeners(List.copyOf(out));
    }

    public static Listeners of(List<RunListener> listeners) {
        return NONE.plus(listeners);
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    void call(RunInfo run, Consumer<RunListener> callback) {
        for (RunListener l : all) {
            try {
                callback.accept(l);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) {
                    throw vme;
                }
                LOG.warn("A RunListener ({}) failed on run {}; the run goes on", l.getClass().getName(), run.runId(), t);
            }
        }
    }
}
