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

    /** This process's instance id: {@code host-pid-random}, stable for the life of the process. */
    public static String id() {
        return ID;
    }

    private static String makeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
