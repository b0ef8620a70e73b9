package dev.cadre.testkit;

import java.util.Objects;
import java.util.Optional;

/**
 * A tool call in a scripted {@link Reply}.
 *
 * @param id the call id ({@code call_…}); empty to let the server make one up
 * @param name the function name
 * @param arguments the arguments JSON, sent as a string exactly as given (so it may be malformed)
 * @param fragments into how many pieces the arguments are cut when streamed
 */
public record FakeToolCall(Optional<String> id, String name, String arguments, int fragments) {

    public FakeToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        if (fragments < 1) {
            throw new IllegalArgumentException("fragments must be >= 1");
        }
    }

    /** A call whose arguments stream in three fragments. */
    public static FakeToolCall of(String name, String arguments) {
        return new FakeToolCall(Optional.empty(), name, arguments, 3);
    }

    /** The same call with this id. */
    public FakeToolCall withId(String newId) {
        return new FakeToolCall(Optional.of(newId), name, arguments, fragments);
    }

    /** The same call with its arguments streamed in {@code n} fragments. */
    public FakeToolCall inFragments(int n) {
        return new FakeToolCall(id, name, arguments, n);
    }
}
