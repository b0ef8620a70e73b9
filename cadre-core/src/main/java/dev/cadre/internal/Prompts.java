package dev.cadre.internal;

import dev.cadre.TeamMode;
import java.util.List;

/** The system messages of agents and team leaders. */
final class Prompts {

    private Prompts() {
    }

    static String agent(Spec.AgentSpec a) {
        StringBuilder sb = new StringBuilder();
        a.description().ifPresent(d -> sb.append(d).append("\n\n"));
        a.role().ifPresent(r -> sb.append("<your_role>\n").append(r).append("\n</your_role>\n\n"));
        instructions(sb, a.instructions());
        return sb.toString().strip();
    }

    static String leader(Spec.TeamSpec t) {
        StringBuilder sb = new StringBuilder();
        sb.append("You are the leader of a team of AI agents called ").append(t.name()).append(".\n");
        t.description().ifPresent(d -> sb.append(d).append("\n"));
        sb.append("\n<team_members>\n");
        for (Spec m : t.members()) {
            sb.append("- Member id: ").append(m.id()).append("\n  Name: ").append(m.name()).append('\n');
            if (m instanceof Spec.AgentSpec a) {
                a.role().ifPresent(r -> sb.append("  Role: ").append(r).append('\n'));
            }
            m.description().ifPresent(d -> sb.append("  Description: ").append(d).append('\n'));
        }
        sb.append("</team_members>\n\n<how_to_respond>\n");
        sb.append(switch (t.mode()) {
            case COORDINATE -> """
                    - Delegate each part of the task to the member best suited to it with the \
                    delegate_task_to_member tool, giving the member's id and a clear, self-contained task.
                    - You may delegate several times, to several members, and use earlier results in later tasks.
                    - When you have what you need, answer the user yourself from the members' results.
                    - If the request needs no member, answer directly.""";
            case ROUTE -> """
                    - Choose the single member best suited to the request and hand it over with the \
                    delegate_task_to_member tool. The member's answer goes to the user as it is.""";
            case BROADCAST -> """
                    - Give the task to all members at once with the delegate_task_to_members tool.
                    - Then answer the user by combining the members' answers.""";
        });
        sb.append("\n</how_to_respond>\n\n");
        instructions(sb, t.instructions());
        return sb.toString().strip();
    }

    static boolean routes(Spec.TeamSpec t) {
        return t.mode() == TeamMode.ROUTE;
    }

    private static void instructions(StringBuilder sb, List<String> instructions) {
        if (instructions.isEmpty()) {
            return;
        }
        sb.append("<instructions>\n");
        for (String i : instructions) {
            sb.append("- ").append(i).append('\n');
        }
        sb.append("</instructions>\n");
    }
}
