package pm.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** One change of a process's state, with why, as {@code describe} lists its history. */
public record StateChange(long atMillis, ProcessState from, ProcessState to, String reason) {
    public StateChange {
        reason = reason == null ? "" : reason;
    }

    public Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("at", UtcTime.format(atMillis));
        m.put("from", from.wireName());
        m.put("to", to.wireName());
        m.put("reason", reason);
        return m;
    }

    static StateChange fromJson(Map<?, ?> m) {
        return new StateChange(ProcessStatus.time(m.get("at")), ProcessState.of(ProcessStatus.text(m.get("from"))),
                ProcessState.of(ProcessStatus.text(m.get("to"))), ProcessStatus.text(m.get("reason")));
    }
}
