package dev.cadre.internal;

import java.util.List;
import java.util.NoSuchElementException;

/** Finding a component in a team tree by its path of ids. */
final class Specs {

    private Specs() {
    }

    /** The component at {@code path} under {@code root}: {@code [root id, member id, member's member id, ...]}. */
    static Spec at(Spec root, List<String> path) {
        if (path.isEmpty() || !path.get(0).equals(root.id())) {
            throw new NoSuchElementException("No component " + String.join("/", path) + " under " + root.id());
        }
        Spec at = root;
        for (String id : path.subList(1, path.size())) {
            if (!(at instanceof Spec.TeamSpec team)) {
                throw new NoSuchElementException(at.id() + " is not a team: no member " + id);
            }
            at = team.members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow(() ->
                    new NoSuchElementException(team.id() + " has no member " + id));
        }
        return at;
    }
}
