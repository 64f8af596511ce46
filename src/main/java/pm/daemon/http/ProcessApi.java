package pm.daemon.http;

import pm.core.ErrorCode;
import pm.core.Json;
import pm.core.PmException;
import pm.core.SpecBuilder;
import pm.daemon.engine.Engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /api/v1/processes}: the same commands as the CLI's, through the engine's queue like the control
 * socket's, with the same replies (the list is exactly {@code pm status --json}, one process exactly
 * {@code pm describe --json}) and the same error codes and messages.
 */
final class ProcessApi {
    /** A read the engine has not answered by then gets 503: it is stuck, and the client should know. */
    static final long READ_TIMEOUT_SECONDS = 10;

    private final Engine engine;

    ProcessApi(Engine engine) {
        this.engine = engine;
    }

    void list(Call call) throws IOException {
        call.json(200, ask(engine, "status", Map.of()));
    }

    void describe(Call call, String name) throws IOException {
        call.json(200, ask(engine, "describe", Map.of("name", name)).get("process"));
    }

    /**
     * Registers a spec given as JSON with pm.yaml's keys. There is no caller's folder over HTTP, so the
     * script must be an absolute path (or a program name found on the daemon's PATH) and {@code cwd}, if
     * given, absolute; the folder defaults to the script's (the daemon user's home for a program on PATH).
     */
    void register(Call call) throws IOException {
        var raw = call.body();
        for (String key : APPLY_KEYS) {
            if (raw.containsKey(key))
                throw PmException.invalid(key + ": a key of pm apply's pm.yaml, not of a register over HTTP; "
                        + (key.equals("env_file") ? "give the variables in env" : "start it with POST /api/v1/processes/NAME/start"));
        }
        Path base = base(raw);
        var spec = SpecBuilder.build(raw, SpecBuilder.Naming.keys(""), new SpecBuilder.Context(base, System.getenv())).orThrow();
        Map<String, Object> reply;
        try {
            reply = act(engine, "register", Map.of("spec", spec.toJson()));
        } catch (PmException e) {
            throw e.code() == ErrorCode.ALREADY_EXISTS ? taken(e, spec.name()) : e;
        }
        if (Boolean.TRUE.equals(reply.get("unchanged"))) {
            call.json(200, reply); // the same spec again: nothing was made
            return;
        }
        call.exchange.getResponseHeaders().set("Location", "/api/v1/processes/" + spec.name());
        call.json(201, reply);
    }

    /** The keys pm.yaml takes beside a spec's, which only pm apply reads. */
    private static final List<String> APPLY_KEYS = List.of("env_file", "autostart");

    /** The engine's refusal of a taken name, with a way on that an HTTP client has instead of the CLI's. */
    private static PmException taken(PmException e, String name) {
        String message = e.getMessage();
        int hint = message.indexOf(": update it with ");
        if (hint < 0) return e;
        return new PmException(e.code(), message.substring(0, hint) + ": to replace it, DELETE /api/v1/processes/" + name
                + " and register again (that stops it), or register under another name");
    }

    private static Path base(Map<String, Object> raw) {
        if (raw.get("cwd") instanceof String cwd) {
            if (!cwd.startsWith("/")) throw PmException.invalid("cwd: '" + cwd + "' is relative; over HTTP give an absolute folder");
            return Path.of(cwd);
        }
        if (raw.get("script") instanceof String script) {
            if (script.startsWith("/")) return Path.of(script).getParent();
            if (script.contains("/") || !onPath(script))
                throw PmException.invalid("script: '" + script + "' is " + (script.contains("/") ? "relative" : "not a program on the daemon's PATH")
                        + "; over HTTP give an absolute path (or a program name on the daemon's PATH)");
        }
        // A program found on PATH has no folder of its own: it runs in the daemon user's home, as a login would.
        return Path.of(System.getProperty("user.home", "/"));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, program))) return true;
        return false;
    }

    void unregister(Call call, String name) throws IOException {
        call.json(200, act(engine, "unregister", Map.of("name", name)));
    }

    /**
     * start (no body), stop ({@code {"force":true}} or {@code ?force=true}) or restart ({@code
     * {"env":{"K":"V"}}}). A key the action does not take, or a value of the wrong type, is refused with one
     * line per key, as a register's spec is: a misspelt {@code forse} must not stop gently in silence.
     */
    void change(Call call, String action, String name) throws IOException {
        var body = call.body();
        var args = new LinkedHashMap<String, Object>();
        args.put("name", name);
        var problems = new ArrayList<String>();
        for (var e : body.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (action.equals("stop") && key.equals("force")) {
                if (value instanceof Boolean b) {
                    if (b) args.put("force", true);
                } else {
                    problems.add("force: give true or false, not " + Json.write(value));
                }
            } else if (action.equals("restart") && key.equals("env")) {
                envProblems(value, problems);
                if (value instanceof Map<?, ?> env) args.put("env", env);
            } else {
                problems.add(key + ": unknown key; " + action + " takes " + switch (action) {
                    case "stop" -> "{\"force\": true} or nothing";
                    case "restart" -> "{\"env\": {\"NAME\": \"value\"}} or nothing";
                    default -> "no body";
                });
            }
        }
        if (!problems.isEmpty()) throw PmException.invalid(String.join("\n", problems));
        if (action.equals("stop") && call.flag("force")) args.put("force", true);
        call.json(200, act(engine, action, args));
    }

    private static void envProblems(Object value, List<String> problems) {
        if (!(value instanceof Map<?, ?> env)) {
            problems.add("env: give an object of names and values, not " + Json.write(value));
            return;
        }
        for (var e : env.entrySet()) {
            if (!(e.getValue() instanceof String)) problems.add("env." + e.getKey() + ": give the value as a string, not " + Json.write(e.getValue()));
        }
    }

    /** A read: answered within {@link #READ_TIMEOUT_SECONDS}, or 503. */
    static Map<String, Object> ask(Engine engine, String cmd, Map<String, Object> args) {
        return await(engine, cmd, args, READ_TIMEOUT_SECONDS);
    }

    /** A change: waited for as long as it takes (a stop waits for the app's kill timeout), as the CLI does. */
    static Map<String, Object> act(Engine engine, String cmd, Map<String, Object> args) {
        return await(engine, cmd, args, 0);
    }

    private static Map<String, Object> await(Engine engine, String cmd, Map<String, Object> args, long timeoutSeconds) {
        if (engine.hasStopped()) throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon's engine has stopped; see daemon.log");
        var reply = engine.submit(cmd, args);
        try {
            return timeoutSeconds > 0 ? reply.get(timeoutSeconds, TimeUnit.SECONDS) : reply.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PmException pe) throw pe;
            throw new PmException(ErrorCode.INTERNAL, cmd + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon's engine did not answer within " + timeoutSeconds + "s; see daemon.log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "interrupted while waiting for the engine");
        }
    }

    /** The first process of a reply's {@code processes}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> first(Map<String, Object> reply) {
        var list = (List<Map<String, Object>>) reply.get("processes");
        return list.getFirst();
    }
}
