package dev.cadre.event;

/** An event of an agent run: the {@code Run…} family. */
public sealed interface AgentRunEvent extends RunEvent
        permits RunStarted, RunContent, RunContentCompleted, ToolCallStarted, ToolCallCompleted, ModelRequestStarted, ModelRequestCompleted, RunCompleted, RunError, RunCancelled, RunContinued, MemoryUpdateStarted, MemoryUpdateCompleted {

    String agentId();

    String agentName();

    @Override
    default String componentId() {
        return agentId();
    }

    @Override
    default String componentName() {
        return agentName();
    }
}
