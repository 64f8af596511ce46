package pm.daemon.engine;

import pm.core.Copies;
import pm.core.ErrorCode;
import pm.core.PmException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pm scale NAME N}: starts the copies an app lacks, or stops its highest-numbered extra ones, and
 * leaves the others running. The new count is stored first, so a daemon restart keeps it. Engine thread only.
 */
final class Scale {
    private final Engine engine;
    private final Targets targets;

    Scale(Engine engine, Targets targets) {
        this.engine = engine;
        this.targets = targets;
    }

    void scale(Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        var apps = targets.apps(targets.of(args));
        if (apps.size() != 1) throw new PmException(ErrorCode.BAD_REQUEST, "scale takes one app");
        if (args.get("name") instanceof String named && named.contains(":"))
            throw PmException.invalid("scale takes an app, not one of its copies: " + Targets.pm(args) + " scale " + apps.getFirst() + " N");
        if (!(args.get("count") instanceof Number n) || n.longValue() < 1 || n.longValue() > Copies.MAX)
            throw PmException.invalid("the number of copies must be from 1 to " + Copies.MAX + ", such as " + Targets.pm(args) + " scale web 4");
        var copies = targets.copies(apps.getFirst());
        var first = copies.getFirst();
        if (first.removing) throw new PmException(ErrorCode.NOT_FOUND, "'" + first.spec.name() + "' is being unregistered");
        var old = first.spec.copies();
        var spec = first.spec.withCopies(new Copies(n.intValue(), old.sockets(), old.readyAfter()));
        targets.saveSpecs(Map.of(first.spec.name(), spec));
        engine.specChanged();
        var changed = resize(engine, copies, n.intValue());
        engine.await(changed, Proc::settled, () -> reply.complete(Map.of(
                "processes", targets.views(Targets.copyNames(targets.copies(spec.name()))),
                "from", copies.size(), "to", n.intValue())));
    }

    /**
     * Makes an app's copies (all holding its new spec) number {@code count}: new ones start (once the
     * app's dependencies are ready) if the app is meant to run; extra ones stop and are forgotten once
     * their whole group is gone. Returns the names of the copies that change, to wait for.
     */
    static List<String> resize(Engine engine, List<Proc> copies, int count) {
        var changed = new ArrayList<String>();
        if (copies.isEmpty()) return changed;
        var first = copies.getFirst();
        boolean wanted = false;
        for (var c : copies) wanted |= c.wanted;
        for (int i = copies.size(); i < count; i++) {
            var c = new Proc(first.id, first.spec, false, i);
            engine.procs.put(c.name(), c);
            changed.add(c.name());
            if (wanted) engine.apply(c, engine.order.ready(c, new Event.Start()));
        }
        var extra = new ArrayList<String>();
        for (var c : copies) {
            if (c.copy < count) continue;
            c.removing = true;
            engine.apply(c, new Event.Stop(false));
            extra.add(c.name());
        }
        if (!extra.isEmpty()) engine.await(extra, p -> p.settled() && p.state.isDown(), () -> extra.forEach(engine::remove));
        changed.addAll(extra);
        return changed;
    }
}
