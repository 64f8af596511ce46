package pm.file;

import pm.core.Field;
import pm.core.ProcessSpec;
import pm.core.SpecFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registered specs as a pm.yaml ({@code pm export}): each app's keys as {@link SpecFile} writes them, its
 * name as its key, {@code autostart: false} for an app that is stopped, and every {@code $} written
 * {@code $$}, so that applying the file plans no change.
 */
public final class Exported {
    private Exported() {}

    public static String yaml(List<ProcessSpec> specs, Set<String> stopped) {
        var apps = new ArrayList<YamlOut.App>();
        for (var spec : specs) {
            var keys = new LinkedHashMap<String, Object>();
            SpecFile.toKeys(spec).forEach((k, v) -> {
                if (!k.equals(Field.NAME.key())) keys.put(k, escaped(v));
            });
            if (stopped.contains(spec.name())) keys.put(AppsFile.Key.AUTOSTART.key, false);
            apps.add(new YamlOut.App(spec.name(), keys, List.of()));
        }
        return YamlOut.write(List.of("pm.yaml: the apps pm had registered, as pm export wrote them.",
                "pm apply -f FILE makes the registry so again; docs/config.md in pm's folder (its checkout or install) describes every key."), apps);
    }

    /** Strings with {@code $} doubled, in lists and maps too. */
    static Object escaped(Object v) {
        if (v instanceof String s) return Variables.escape(s);
        if (v instanceof List<?> l) return l.stream().map(Exported::escaped).toList();
        if (v instanceof Map<?, ?> m) {
            var out = new LinkedHashMap<Object, Object>();
            m.forEach((k, x) -> out.put(k, escaped(x)));
            return out;
        }
        return v;
    }
}
