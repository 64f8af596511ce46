package pm.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph of apps and the apps they depend on ({@link ProcessSpec#dependsOn}): its cycles, which make
 * a set of apps invalid, and the order in which to stop them (dependents before their dependencies).
 * The file loader and the daemon both check with it.
 */
public final class Dependencies {
    private Dependencies() {}

    /** Each app's dependencies, by name. */
    public static Map<String, Set<String>> of(Collection<ProcessSpec> specs) {
        var graph = new LinkedHashMap<String, Set<String>>();
        for (var s : specs) graph.put(s.name(), new java.util.TreeSet<>(s.dependsOn().keySet()));
        return graph;
    }

    /**
     * Every cycle, each once, as the path that closes it ({@code [web, api, web]}), starting from the app
     * that comes first in the graph's order; an app that depends on itself is left to the spec's own check.
     */
    public static List<List<String>> cycles(Map<String, Set<String>> graph) {
        var found = new ArrayList<List<String>>();
        var seen = new HashSet<Set<String>>();
        var done = new HashSet<String>();
        for (String start : graph.keySet()) walk(start, graph, new ArrayList<>(), done, found, seen);
        return found;
    }

    private static void walk(String app, Map<String, Set<String>> graph, List<String> path,
                             Set<String> done, List<List<String>> found, Set<Set<String>> seen) {
        int at = path.indexOf(app);
        if (at >= 0) {
            var cycle = new ArrayList<>(path.subList(at, path.size()));
            // The same cycle reached from another of its apps is the same set of apps.
            if (cycle.size() > 1 && seen.add(new HashSet<>(cycle))) {
                cycle.add(app);
                found.add(cycle);
            }
            return;
        }
        if (done.contains(app)) return;
        path.add(app);
        for (String next : graph.getOrDefault(app, Set.of())) walk(next, graph, path, done, found, seen);
        path.removeLast();
        done.add(app);
    }

    /** A cycle as people read it: {@code web -> api -> web}. */
    public static String describe(List<String> cycle) {
        return String.join(" -> ", cycle);
    }

    /**
     * The apps in waves to stop one after another: first those no other app of the set depends on, then
     * the apps only those depended on, and so on, so an app is stopped only once its dependents are down.
     * Apps caught in a cycle (which validation refuses) come last, together.
     */
    public static List<List<String>> stopWaves(List<String> names, Map<String, Set<String>> graph) {
        var left = new LinkedHashSet<>(names);
        // How many apps of the set depend on each one.
        var dependents = new java.util.HashMap<String, Integer>();
        for (String n : left) for (String d : graph.getOrDefault(n, Set.of())) if (left.contains(d)) dependents.merge(d, 1, Integer::sum);
        if (dependents.isEmpty()) return List.of(List.copyOf(names));
        var waves = new ArrayList<List<String>>();
        while (!left.isEmpty()) {
            var wave = new ArrayList<String>();
            for (String n : left) if (dependents.getOrDefault(n, 0) == 0) wave.add(n);
            if (wave.isEmpty()) wave.addAll(left);
            for (String n : wave) {
                left.remove(n);
                for (String d : graph.getOrDefault(n, Set.of())) dependents.computeIfPresent(d, (k, c) -> c - 1);
            }
            waves.add(wave);
        }
        return waves;
    }
}
