package pm.daemon.http;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.SpecBuilder;
import pm.daemon.engine.Engine;

import java.io.IOException;
import java.nio.file.Path;
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
     * given, absolute; the folder defaults to the script's.
     */
    void register(Call call) throws IOException {
        var raw = call.body();
        Path base = base(raw);
        var spec = SpecBuilder.build(raw, SpecBuilder.Naming.keys(""), new SpecBuilder.Context(base, System.getenv())).orThrow();
        var reply = act(engine, "register", Map.of("spec", spec.toJson()));
        call.exchange.getResponseHeaders().set("Location", "/api/v1/processes/" + spec.name());
        call.json(201, reply);
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

    /** start, stop ({@code {"force":true}} or {@code ?force=true}) or restart ({@code {"env":{"K":"V"}}}). */
    void change(Call call, String action, String name) throws IOException {
        var body = call.body();
        var args = new LinkedHashMap<String, Object>();
        args.put("name", name);
        if (action.equals("stop") && (Boolean.TRUE.equals(body.get("force")) || call.flag("force"))) args.put("force", true);
        if (action.equals("restart") && body.get("env") != null) {
            if (!(body.get("env") instanceof Map<?, ?> env)) throw PmException.invalid("env: give an object of names and values");
            for (var e : env.entrySet()) {
                if (!(e.getValue() instanceof String))
                    throw PmException.invalid("env." + e.getKey() + ": give the value as a string");
            }
            args.put("env", env);
        }
        call.json(200, act(engine, action, args));
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
