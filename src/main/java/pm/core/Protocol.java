package pm.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire protocol between {@code pm} and the daemon: one JSON object per line each way over the
 * Unix socket. A request is {@code {"v":1,"cmd":"...","args":{...}}}; a reply is
 * {@code {"v":1,"ok":true,"result":{...}}} or {@code {"v":1,"ok":false,"error":{"code":"...","message":"..."}}}.
 */
public final class Protocol {
    private Protocol() {}

    public static final int VERSION = 1;
    /** Longer request lines are refused, so clients cannot grow the daemon's heap (the largest real one is a few KiB)... */
    public static final int MAX_LINE_BYTES = 64 << 10;
    /**
     * ...except one at a time up to this: an apply carries every spec of a file (about 0.7 KiB each, so
     * about 1400 apps).
     */
    public static final int MAX_LARGE_LINE_BYTES = 1 << 20;

    public static String request(String cmd, Map<String, Object> args) {
        var m = new LinkedHashMap<String, Object>();
        m.put("v", VERSION);
        m.put("cmd", cmd);
        m.put("args", args);
        return Json.write(m);
    }

    public static String ok(Map<String, Object> result) {
        var m = new LinkedHashMap<String, Object>();
        m.put("v", VERSION);
        m.put("ok", true);
        m.put("result", result);
        return Json.write(m);
    }

    public static String error(ErrorCode code, String message) {
        var err = new LinkedHashMap<String, Object>();
        err.put("code", code.name());
        err.put("message", message);
        var m = new LinkedHashMap<String, Object>();
        m.put("v", VERSION);
        m.put("ok", false);
        m.put("error", err);
        return Json.write(m);
    }

    /** Turns a reply line into its result, or throws the error it carries. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> result(String line) {
        Map<String, Object> reply;
        try {
            reply = Json.parseObject(line);
        } catch (Json.ParseException e) {
            throw new PmException(ErrorCode.BAD_REQUEST, "unreadable reply from the daemon: " + e.getMessage());
        }
        if (Boolean.TRUE.equals(reply.get("ok"))) {
            return reply.get("result") instanceof Map<?, ?> r ? (Map<String, Object>) r : Map.of();
        }
        var err = reply.get("error") instanceof Map<?, ?> e ? (Map<String, Object>) e : Map.<String, Object>of();
        throw new PmException(ErrorCode.of(String.valueOf(err.get("code"))), String.valueOf(err.get("message")));
    }
}
