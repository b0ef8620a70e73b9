package dev.cadre;

import dev.cadre.internal.MemorySettings;
import dev.cadre.internal.Spec;
import dev.cadre.model.Model;
import dev.cadre.model.OutputSchema;
import dev.cadre.run.RunListener;
import dev.cadre.db.Db;
import dev.cadre.tool.Tool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the {@link Agent} and {@link Team} builders share. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract sealed class ComponentBuilder<B extends ComponentBuilder<B>> permits Agent.Builder, Team.Builder {

    String id;
    String name;
    Model model;
    String description;
    final List<String> instructions = new ArrayList<>();
    final List<Tool> tools = new ArrayList<>();
    Db db;
    RunManager runManager = RunManager.global();
    private boolean addHistory;
    private int historyRuns = 3;
    private int maxToolRounds = 10;
    private final List<RunListener> listeners = new ArrayList<>();
    private OutputSchema outputSchema;
    private Class<?> outputType;
    private boolean userMemories;
    private Boolean memoriesInContext;
    private Model memoryModel;

    ComponentBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Defaults to the name made url-safe ("Storytelling Team" → "storytelling-team"). */
    public B id(String id) {
        this.id = id;
        return self();
    }

    public B name(String name) {
        this.name = name;
        return self();
    }

    /** The model; a team member without one uses its team leader's. */
    public B model(Model model) {
        this.model = Objects.requireNonNull(model, "model");
        return self();
    }

    public B description(String description) {
        this.description = description;
        return self();
    }

    public B instructions(String... instructions) {
        this.instructions.addAll(Arrays.asList(instructions));
        return self();
    }

    public B tools(Tool... tools) {
        this.tools.addAll(Arrays.asList(tools));
        return self();
    }

    public B tools(List<? extends Tool> tools) {
        this.tools.addAll(tools);
        return self();
    }

    /** Where runs are kept; needed for background runs and history. A team's members use their team's. */
    public B db(Db db) {
        this.db = Objects.requireNonNull(db, "db");
        return self();
    }

    /** The manager runs are registered with; {@link RunManager#global()} by default. */
    public B runManager(RunManager runManager) {
        this.runManager = Objects.requireNonNull(runManager, "runManager");
        return self();
    }

    /**
     * Observes this component's runs and, for a team, its members' runs (nested teams included); see
     * {@link RunListener}. Repeatable; the run manager's listeners observe them too.
     */
    public B listener(RunListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    /**
     * Adds the last {@link #numHistoryRuns} runs of the session to the model's context (needs a db).
     * A cancelled run's partial answer is included, marked as interrupted.
     */
    public B addHistoryToContext(boolean add) {
        this.addHistory = add;
        return self();
    }

    public B numHistoryRuns(int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("numHistoryRuns must be 1 or more");
        }
        this.historyRuns = runs;
        return self();
    }

    /** How many rounds of tool calls (delegations included) one run may make before it fails (default 10). */
    public B maxToolRounds(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("maxToolRounds must be 1 or more");
        }
        this.maxToolRounds = rounds;
        return self();
    }

    /**
     * Makes the final answer JSON of {@code type}'s shape: the schema goes to the model natively, the answer is
     * checked against it (with one corrective turn when it does not match, then the run ends {@code ERROR} naming
     * the field), and the run's content is the JSON — read it with {@code run.content(type)}. For a team, the
     * leader's final answer; members may have their own.
     *
     * @param type a record; {@code Optional} components are not required. On the module path its package must
     *     be open to {@code com.fasterxml.jackson.databind}, which reads the answer into it
     * @throws IllegalArgumentException when {@code type} is not a record, or Jackson may not read it
     */
    public B outputSchema(Class<?> type) {
        OutputSchema schema = OutputSchema.of(type);
        Module jackson = com.fasterxml.jackson.databind.ObjectMapper.class.getModule();
        if (!type.getModule().isOpen(type.getPackageName(), jackson)) {
            // Found now rather than on the first answer, which would otherwise fail for a reason the model cannot fix.
            throw new IllegalArgumentException("outputSchema(" + type.getSimpleName() + "): module "
                    + type.getModule().getName() + " does not open package " + type.getPackageName()
                    + " to com.fasterxml.jackson.databind, which reads answers into the record; add 'opens "
                    + type.getPackageName() + " to com.fasterxml.jackson.databind;' to its module-info.java");
        }
        this.outputSchema = schema;
        this.outputType = type;
        return self();
    }

    /** {@link #outputSchema(Class)} with a JSON schema, for answers read as JSON rather than as a record. */
    public B outputSchema(OutputSchema schema) {
        this.outputSchema = Objects.requireNonNull(schema, "schema");
        this.outputType = null;
        return self();
    }

    /**
     * After each run that completes for a user (a run with a user id), a memory step asks the model what the
     * user's message tells about the user, and adds, updates or deletes short facts in the db's user memories
     * ({@link dev.cadre.db.Db#memories()}), as Agno's {@code enable_user_memories} does. The step runs before the
     * run's end is decided, so a cancel during it still cancels the run; a cancelled or failed run writes no memory,
     * and a memory step that fails is logged without failing its run. It also turns {@link #addMemoriesToContext}
     * on unless that was set. Off by default. Uses the component's model unless {@link #memoryModel} is set.
     */
    public B enableUserMemories(boolean enable) {
        this.userMemories = enable;
        return self();
    }

    /**
     * Puts the memories of the run's user into the system prompt of each run (for runs with a user id), worded as
     * Agno words them. Defaults to {@link #enableUserMemories}'s setting.
     */
    public B addMemoriesToContext(boolean add) {
        this.memoriesInContext = add;
        return self();
    }

    /** The model of the memory step (a smaller one, say); the component's own by default. */
    public B memoryModel(Model model) {
        this.memoryModel = Objects.requireNonNull(model, "memoryModel");
        return self();
    }

    /** Checks what both builders check and returns the name, id and settings. */
    Common common(String what) {
        String n = BaseComponent.requireName(name, what);
        if (addHistory && db == null) {
            throw new IllegalStateException("addHistoryToContext needs a db to read earlier runs from: call db(...)");
        }
        Set<String> seen = new HashSet<>();
        for (Tool t : tools) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException(n + " has two tools named '" + t.name() + "'");
            }
        }
        return new Common(id != null ? id : BaseComponent.urlSafe(n), n, Optional.ofNullable(model),
                Optional.ofNullable(description), List.copyOf(instructions), List.copyOf(tools),
                new Spec.Settings(addHistory, historyRuns, maxToolRounds, List.copyOf(listeners),
                        Optional.ofNullable(outputSchema), Optional.ofNullable(outputType),
                        new MemorySettings(userMemories, memoriesInContext != null ? memoriesInContext : userMemories,
                                Optional.ofNullable(memoryModel))));
    }

    record Common(String id, String name, Optional<Model> model, Optional<String> description,
            List<String> instructions, List<Tool> tools, Spec.Settings settings) {
    }
}
