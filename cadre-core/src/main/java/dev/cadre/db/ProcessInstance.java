package dev.cadre.db;

import java.net.InetAddress;
import java.util.UUID;

/**
 * The identity of this process as an owner of runs. Stores record it on every run they insert and
 * beat a heartbeat for it, so that runs left behind by a process that died can be recognised and
 * ended instead of staying {@code RUNNING} forever.
 */
public final class ProcessInstance {

    private static final String ID = makeId();

    private ProcessInstance() {
    }

    /**
     * This process's instance id, stable for the life of the process: the system property {@value #PROPERTY}
     * when it is set at start-up ({@code cadre serve --instance-id}), else {@code host-pid-random}. Two live
     * processes must never share one.
     */
    public static String id() {
        return ID;
    }

    /** The system property that names this process's instance id. */
    public static final String PROPERTY = "cadre.instance.id";

    private static String makeId() {
        String given = System.getProperty(PROPERTY, "").strip();
        if (!given.isEmpty()) {
            return given;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
