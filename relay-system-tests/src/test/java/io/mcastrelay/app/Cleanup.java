package io.mcastrelay.app;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (namespaces, processes), closed last first after it; the first failure carries the others. */
final class Cleanup {
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Registers a resource to close after the test; returns it. */
    <T extends AutoCloseable> T add(final T resource) {
        resources.add(resource);
        return resource;
    }

    /** Closes everything registered, last first, and forgets it. */
    void closeAll() throws Exception {
        Exception failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (final Exception ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        resources.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
