package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.daemon.registry.Registry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Registry entries the daemon could not load (a hand edit gone wrong). Their names and ids stay theirs:
 * a new app may not take one (it would become a second entry, and a second copy of an app that may still
 * run), a command that names one says why it cannot act on it, and {@code unregister} drops one whose
 * process is not running. Engine thread only.
 */
final class Unloaded {
    private final Engine engine;

    Unloaded(Engine engine) {
        this.engine = engine;
    }

    /** The unreadable entry a word names, by name or id, or null; a loaded app that the word names comes first. */
    Registry.Unreadable named(String word) {
        if (engine.procs.containsKey(word)) return null;
        for (var p : engine.procs.values()) if (Integer.toString(p.id).equals(word)) return null;
        for (var u : engine.registry.unreadable())
            if (!u.name().isEmpty() && u.name().equals(word) || u.id() >= 0 && Integer.toString(u.id()).equals(word)) return u;
        return null;
    }

    /** Refuses a new app under a name an unreadable entry holds. */
    void refuseName(String name, String pm) {
        var u = named(name);
        if (u == null || !u.name().equals(name)) return;
        throw new PmException(ErrorCode.ALREADY_EXISTS, "the name '" + name + "' is held by an entry of " + engine.registry.file()
                + " that could not be loaded (" + u.why() + "): " + mend(u, pm) + ", or pick another --name");
    }

    /** Why nothing can be done with the app a word names. */
    PmException unusable(Registry.Unreadable u, String pm) {
        return new PmException(ErrorCode.NOT_FOUND, "'" + label(u) + "' is in " + engine.registry.file() + " but could not be loaded ("
                + u.why() + "): " + mend(u, pm));
    }

    private static String mend(Registry.Unreadable u, String pm) {
        return "mend the entry there and run " + pm + " daemon restart, or drop it with " + pm + " unregister " + label(u);
    }

    private static String label(Registry.Unreadable u) {
        return u.name().isEmpty() ? Integer.toString(u.id()) : u.name();
    }

    /**
     * Unregisters entries that could not be loaded, when every word names one: drops them from the registry
     * and replies. One whose process still runs (found by its mark) is refused, with the command that ends
     * it: without its spec, pm cannot tell how that app wants to be stopped. Returns false when the words
     * name none, and throws when they name some only.
     */
    boolean unregister(List<String> words, String pm, List<Registry.Entry> entries,
                       java.util.concurrent.CompletableFuture<Map<String, Object>> reply) {
        var gone = new ArrayList<Registry.Unreadable>();
        for (String w : words) if (named(w) != null && !gone.contains(named(w))) gone.add(named(w));
        if (gone.isEmpty()) return false;
        if (gone.size() != words.size())
            throw PmException.invalid("unregister the entries that could not be loaded (" + String.join(", ", gone.stream().map(Unloaded::label).toList())
                    + ") on their own");
        var known = new HashSet<Long>();
        for (var p : engine.all()) if (p.run != null) known.add(p.run.serial());
        var found = engine.processes().unrecorded(known);
        for (var u : gone) {
            for (var f : found.values())
                if (u.id() >= 0 && f.app() == u.id())
                    throw PmException.invalid("'" + label(u) + "' could not be loaded and its process " + f.pid()
                            + " still runs, unmanaged: end it (kill -TERM -" + f.pid() + "), then run " + pm + " unregister " + label(u) + " again");
        }
        var dropped = new ArrayList<Object>();
        for (var u : gone) {
            engine.registry.drop(u, entries);
            // The warnings that named it at start-up are about an entry that is no more.
            engine.warnings.removeIf(w -> w.contains("'" + u.name() + "' (id " + u.id() + ")"));
            dropped.add(Map.of("id", (long) Math.max(u.id(), 0), "name", label(u), "state", "stopped", "desired", "stopped"));
        }
        reply.complete(Map.of("processes", dropped));
        return true;
    }
}
