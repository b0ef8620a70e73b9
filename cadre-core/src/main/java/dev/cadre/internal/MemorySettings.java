package dev.cadre.internal;

import dev.cadre.model.Model;
import java.util.Optional;

/**
 * A component's user memories, as its builder set them.
 *
 * @param update whether a memory step after each completed run (with a user id) writes what it learned
 * @param addToContext whether the user's memories go into the system prompt of its runs
 * @param model the model of the memory step; the component's own when empty
 */
public record MemorySettings(boolean update, boolean addToContext, Optional<Model> model) {

    /** No user memories: the default. */
    public static final MemorySettings NONE = new MemorySettings(false, false, Optional.empty());

    public MemorySettings {
        model = model == null ? Optional.empty() : model;
    }
}
