package dev.cadre.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunContext;

/**
 * A function the model can call. Build one with {@link FunctionTool} from a lambda, or with
 * {@link Tools#fromMethods(Object)} from annotated methods.
 *
 * <p><b>Threading.</b> Each call runs on its own virtual thread; several calls of one turn run at
 * the same time, so a tool must be thread-safe. When the run is cancelled the thread is interrupted
 * and {@link RunContext#cancellation()} is aborted: blocking calls stop with an exception, loops
 * should check {@link RunContext#isCancelled()}.
 *
 * <p><b>Failure.</b> An exception does not fail the run: its message goes back to the model as the
 * tool's result (marked as an error), so the model can react.
 */
public interface Tool {

    /** Name, description and JSON schema of the arguments, as the model sees them. */
    ToolDefinition definition();

    /**
     * Runs the tool.
     *
     * @param arguments the model's arguments, parsed (an object node)
     * @return the result for the model, as text
     */
    String call(JsonNode arguments, RunContext context) throws Exception;

    default String name() {
        return definition().name();
    }
}
