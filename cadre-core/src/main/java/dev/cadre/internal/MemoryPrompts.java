package dev.cadre.internal;

import dev.cadre.memory.UserMemory;
import java.util.List;

/**
 * The texts of user memories: the memory step's instructions, and the section of a run's system prompt that shows
 * the user's memories — the latter worded as Agno words it, so a prompt reads the same to the model in both.
 */
final class MemoryPrompts {

    private MemoryPrompts() {
    }

    /** What a run's system prompt says about the user's memories (Agno's wording). */
    static String context(List<UserMemory> memories) {
        if (memories.isEmpty()) {
            return "You have the capability to retain memories from previous interactions with the user, "
                    + "but have not had any interactions with the user yet.\n";
        }
        StringBuilder sb = new StringBuilder("You have access to user info and preferences from previous interactions"
                + " that you can use to personalize your response:\n\n<memories_from_previous_interactions>");
        for (UserMemory m : memories) {
            sb.append("\n- ").append(m.memory());
        }
        return sb.append("\n</memories_from_previous_interactions>\n\n")
                .append("Note: this information is from previous interactions and may be updated in this conversation."
                        + " You should always prefer information from this conversation over the past memories.\n")
                .toString();
    }

    /** A system prompt with the memory section added at its end, as Agno adds it after the instructions. */
    static String withContext(String prompt, List<UserMemory> memories) {
        return prompt.isEmpty() ? context(memories).strip() : prompt + "\n\n" + context(memories).strip();
    }

    /** The memory step's system message: what to capture, how, with which tools, and what is known already. */
    static String manager(List<UserMemory> existing) {
        StringBuilder sb = new StringBuilder("""
                You manage what is remembered about the user across conversations. Below you find what to capture \
                and, if there are any, the memories kept so far.

                ## Deciding
                - Decide whether the user's message calls for adding, updating or deleting a memory, or for no change.
                - Capture what meets the criteria and is not already among the existing memories; otherwise change \
                nothing.

                ## Writing memories
                - A memory is one brief statement in the third person that keeps the essential point and nothing \
                else, for example "User's name is Ada" for "My name is Ada".
                - Keep each memory short and simple: write several memories rather than one long one.
                - Do not repeat information across memories: update an existing memory instead.
                - When updating, extend the existing memory with what is new instead of replacing it.
                - When a preference changes, record the new preference together with what it used to be.
                - When the user asks to forget something, remove every mention of it.

                <memories_to_capture>
                Personal information about the user that matters for the conversation:
                - facts: name, age, occupation, location, interests, preferences
                - opinions: what the user likes, dislikes, enjoys or finds frustrating
                - significant events or experiences the user shares
                - the user's current situation, challenges or goals
                - anything else that gives insight into the user's personality, perspective or needs
                </memories_to_capture>

                ## Tools
                - add_memory adds a new memory.
                - update_memory changes an existing memory, by its ID.
                - delete_memory removes an existing memory, by its ID.
                You may call several tools in one response. Only change memories to capture key information the user \
                gave.
                """);
        if (!existing.isEmpty()) {
            sb.append("\n<existing_memories>\n");
            for (UserMemory m : existing) {
                sb.append("ID: ").append(m.memoryId()).append("\nMemory: ").append(m.memory()).append("\n\n");
            }
            sb.append("</existing_memories>\n");
        }
        return sb.toString().strip();
    }
}
