package dev.cadre.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.TeamMode;
import dev.cadre.model.ToolDefinition;
import java.util.ArrayList;
import java.util.List;

/** The tools a run offers its model: a team's delegation tool first, then the component's own tools. */
public final class ToolDefinitions {

    static final String DELEGATE_ONE = "delegate_task_to_member";
    static final String DELEGATE_ALL = "delegate_task_to_members";

    private ToolDefinitions() {
    }

    /** What the model of {@code spec} is offered on every request, in this order. */
    public static List<ToolDefinition> of(Spec spec) {
        List<ToolDefinition> defs = new ArrayList<>();
        if (spec instanceof Spec.TeamSpec team && !team.members().isEmpty()) {
            defs.add(delegationTool(team));
        }
        spec.tools().forEach(t -> defs.add(t.definition()));
        return defs;
    }

    private static ToolDefinition delegationTool(Spec.TeamSpec team) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        if (team.mode() != TeamMode.BROADCAST) {
            ObjectNode memberId = props.putObject("member_id");
            memberId.put("type", "string");
            memberId.put("description", "The id of the member to give the task to.");
            ArrayNode ids = memberId.putArray("enum");
            team.members().forEach(m -> ids.add(m.id()));
            required.add("member_id");
        }
        ObjectNode task = props.putObject("task");
        task.put("type", "string");
        task.put("description", "A clear description of the task, with everything the member needs to do it.");
        required.add("task");
        schema.put("additionalProperties", false);
        return team.mode() == TeamMode.BROADCAST
                ? new ToolDefinition(DELEGATE_ALL, "Give a task to all members of the team at once; they work on it "
                        + "concurrently and their answers come back together.", schema)
                : new ToolDefinition(DELEGATE_ONE, "Delegate a task to the selected team member and get its answer.",
                        schema);
    }
}
