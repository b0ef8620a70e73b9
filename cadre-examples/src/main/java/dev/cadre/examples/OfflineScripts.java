package dev.cadre.examples;

import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;

/**
 * The scripted replies of the offline fake OpenAI server: what the seed teams' leaders and members
 * would plausibly answer, streamed at a pace that makes the demo's cancellations land mid-run.
 */
public final class OfflineScripts {

    /**
     * How fast the fake server writes.
     *
     * @param chunkDelay between chunks of ordinary answers
     * @param longChunkDelay between chunks of the long essay and story (which get cancelled)
     */
    public record Pacing(Duration chunkDelay, Duration longChunkDelay) {
        /** A pace a person can watch. */
        public static final Pacing DEMO = new Pacing(Duration.ofMillis(40), Duration.ofMillis(60));
    }

    private OfflineScripts() {
    }

    static void install(FakeOpenAIServer server, Pacing pacing) {
        server.dispatcher(dispatcher(pacing));
    }

    /**
     * The scripts as a dispatcher for any of cadre-testkit's fake servers (OpenAI's, Anthropic's, Gemini's): they read
     * requests through {@code RecordedRequest}, which every fake fills the same way.
     */
    public static java.util.function.Function<RecordedRequest, Reply> dispatcher(Pacing pacing) {
        return request -> reply(request, pacing);
    }

    private static Reply reply(RecordedRequest r, Pacing p) {
        String system = r.systemPrompt();
        if (r.hasTool("delegate_task_to_member")) {
            int delegated = r.toolResults().size();
            if (system.contains("called ResearchTeam")) {
                return switch (delegated) {
                    case 0 -> delegate("researcher", "Gather the key facts of each of the three laws of thermodynamics.");
                    case 1 -> delegate("writer", "Summarize each of the three laws in one sentence, using these facts: "
                            + r.toolResults().getFirst());
                    default -> Reply.text(RESEARCH_SUMMARY).chunkDelay(p.chunkDelay());
                };
            }
            if (system.contains("called EssayTeam")) {
                return switch (delegated) {
                    case 0 -> delegate("researcher", "Gather comprehensive information on the history of AI.");
                    case 1 -> delegate("writer", "Write a detailed essay of at least 3000 words from this research.");
                    default -> Reply.text("The essay is complete.").chunkDelay(p.chunkDelay());
                };
            }
            if (system.contains("called Storytelling Team")) {
                return delegated == 0
                        ? delegate("storytelleragent", "Write a very long story about a dragon who learns to code.")
                        : Reply.text("Here is the story.").chunkDelay(p.chunkDelay());
            }
        }
        if (system.contains("Research topics and provide factual information.")) {
            return Reply.text(THERMO_FACTS).chunkDelay(p.chunkDelay());
        }
        if (system.contains("Write clear and concise summaries.")) {
            return Reply.text(RESEARCH_SUMMARY).chunkDelay(p.chunkDelay());
        }
        if (system.contains("Research topics thoroughly.")) {
            return Reply.text(AI_HISTORY_NOTES).chunkDelay(p.chunkDelay());
        }
        if (system.contains("Write detailed essays.")) {
            return Reply.text(repeat(AI_ESSAY, 12)).chunkDelay(p.longChunkDelay());
        }
        if (system.contains("writes creative stories")) {
            return Reply.text(repeat(DRAGON_STORY, 12)).chunkDelay(p.longChunkDelay());
        }
        if (system.contains("reviews and improves stories")) {
            return Reply.text("The story reads well; tighten the middle section.").chunkDelay(p.chunkDelay());
        }
        return null;
    }

    private static Reply delegate(String memberId, String task) {
        return Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"" + memberId + "\",\"task\":\"" + task.replace("\"", "'") + "\"}");
    }

    private static String repeat(String text, int times) {
        return (text + " ").repeat(times).strip();
    }

    static final String THERMO_FACTS = "Zeroth law: two systems each in thermal equilibrium with a third are in "
            + "equilibrium with each other. First law: energy is conserved; the change in internal energy equals heat "
            + "added minus work done. Second law: the entropy of an isolated system never decreases. Third law: the "
            + "entropy of a perfect crystal approaches zero as the temperature approaches absolute zero.";

    static final String RESEARCH_SUMMARY = "First law: energy cannot be created or destroyed, only converted. "
            + "Second law: the total entropy of an isolated system never decreases over time. Third law: as "
            + "temperature approaches absolute zero, a system's entropy approaches a constant minimum.";

    static final String AI_HISTORY_NOTES = "Key milestones: the 1956 Dartmouth workshop; early symbolic AI and "
            + "expert systems; the AI winters of the 1970s and late 1980s; statistical learning in the 1990s; deep "
            + "learning after 2012; transformers in 2017; large language models from 2020 on.";

    static final String AI_ESSAY = "The history of artificial intelligence begins long before computers, in myths "
            + "of thinking machines and in the formal logic of Aristotle, Leibniz and Boole. In the summer of 1956 a "
            + "small workshop at Dartmouth College gave the field its name and its ambition: to describe every "
            + "feature of intelligence so precisely that a machine could simulate it.";

    static final String DRAGON_STORY = "Once upon a time, in a cave above a quiet valley, lived a dragon named Ember "
            + "who wanted to learn to code. \"Why would a dragon need a compiler?\" laughed the old owl. Ember did not "
            + "answer; she only read the manuals the villagers had left behind, night after night, until the glow of "
            + "her breath was the only light on the pages.";
}
