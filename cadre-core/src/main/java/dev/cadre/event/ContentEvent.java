package dev.cadre.event;

/** A piece of streamed answer text, from an agent ({@link RunContent}) or a team leader ({@link TeamRunContent}). */
public sealed interface ContentEvent extends RunEvent permits RunContent, TeamRunContent {
    String content();
}
