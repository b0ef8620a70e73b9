package dev.cadre.db;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param total how many items match in all pages
 */
public record Page<T>(List<T> items, int page, int limit, long total) {
    public Page {
        items = List.copyOf(items);
    }

    public int totalPages() {
        return (int) ((total + limit - 1) / limit);
    }
}
