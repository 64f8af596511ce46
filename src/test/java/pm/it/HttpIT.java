package pm.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's HTTP API against a real daemon and real apps: every bad request gets its status and a
 * JSON error that says what was wrong; the API answers as the CLI does; tokens and the login link.
 */
class HttpIT {
    static Pm pm;
    static Http http;
    static Http readOnly;

    @BeforeAll
    static void start() {
        pm = new Pm();
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
        pm.ok("start", "web");
        http = Http.of(pm);
        readOnly = new Http(http.port, pm.ok("token", "create", "--read-only", "watcher").strip());
    }

    @AfterAll
    static void stop() {
        pm.close();
    }

    static void refused(Http.Response r, int status, String code, String message) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.error()).as(r.toString()).element(0).isEqualTo(code);
        assertThat(r.error().get(1)).contains(message);
    }

    @Test
    void everyBadRequestGetsItsStatusAndAJsonErrorThatSaysWhy() {
        refused(http.send("GET", "/api/v1/processes", Map.of(), null), 401, "UNAUTHORIZED", "no credentials: send 'Authorization: Bearer TOKEN'");
        assertThat(http.send("GET", "/api/v1/processes", Map.of(), null).header("WWW-Authenticate")).isEqualTo("Bearer realm=\"pm\"");
        refused(http.send("GET", "/api/v1/processes", Map.of("Authorization", "Bearer pm_wrong"), null), 401, "UNAUTHORIZED",
                "unknown or revoked token");
        refused(http.send("GET", "/metrics", Map.of("Authorization", "Basic eDp5"), null), 401, "UNAUTHORIZED", "must be 'Bearer TOKEN'");
        refused(readOnly.post("/api/v1/processes/web/restart", null), 403, "FORBIDDEN", "token 'watcher' is read-only");
        refused(readOnly.post("/api/v1/processes", "{}"), 403, "FORBIDDEN", "read-only");
        refused(readOnly.send("DELETE", "/api/v1/processes/web", readOnly.auth(), null), 403, "FORBIDDEN", "read-only");
        var origin = http.auth();
        origin.put("Origin", "http://evil.example");
        refused(http.send("POST", "/api/v1/processes/web/stop", origin, null), 403, "FORBIDDEN", "Origin 'http://evil.example' is not this daemon");
        var host = http.auth();
        host.put("Host", "evil.example:" + http.port);
        refused(http.send("GET", "/api/v1/processes", host, null), 403, "FORBIDDEN", "Host 'evil.example:" + http.port + "' is not this daemon's address");
        refused(http.get("/api/v1/processes/wbe"), 404, "NOT_FOUND", "no process named 'wbe'; did you mean 'web'?");
        refused(http.post("/api/v1/processes/nope/start", null), 404, "NOT_FOUND", "no process named 'nope'");
        refused(http.post("/api/v1/processes", "{\"name\": "), 400, "BAD_REQUEST", "malformed JSON in the request body");
        refused(http.post("/api/v1/processes", "[1]"), 400, "BAD_REQUEST", "expected a JSON object");
        refused(http.post("/api/v1/processes", "{\"s\":\"" + "x".repeat(70_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE", "larger than 64 KiB");
        refused(http.get("/api/v1/nothing"), 404, "NOT_FOUND", "no route GET /api/v1/nothing; /api/v1/openapi.json lists them");
        refused(http.get("/api/v2/processes"), 404, "NOT_FOUND", "this daemon serves /api/v1");
        var wrongMethod = http.send("DELETE", "/metrics", http.auth(), null);
        refused(wrongMethod, 405, "METHOD_NOT_ALLOWED", "DELETE is not allowed on /metrics; use GET");
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET");
        refused(http.get("/api/v1/processes/web/logs?lines=x"), 400, "BAD_REQUEST", "bad lines 'x': use a whole number from 0 to 10000");
        refused(http.post("/api/v1/processes", "{\"script\":\"/no/such/app.py\",\"restart_policy\":\"sometimes\",\"colour\":\"red\"}"),
                400, "INVALID", "restart_policy: 'sometimes' is not one of never, on-failure, always, unless-stopped\ncolour: unknown key");
        refused(http.post("/api/v1/processes", "{\"script\":\"app.py\"}"), 400, "INVALID", "over HTTP give an absolute path");
        refused(http.post("/api/v1/processes", "{\"name\":\"web\",\"script\":\"" + pm.fixture("sleeper.sh") + "\"}"), 409, "ALREADY_EXISTS",
                "a process named 'web' is already registered");
    }

    @Test
    void actionsRefuseKeysTheyDoNotTakeAndValuesOfTheWrongType() {
        long pid = pm.pid("web");
        refused(http.post("/api/v1/processes/web/stop", "{\"forse\":true}"), 400, "INVALID", "forse: unknown key; stop takes {\"force\": true} or nothing");
        refused(http.post("/api/v1/processes/web/stop", "{\"force\":\"true\"}"), 400, "INVALID", "force: give true or false, not \"true\"");
        refused(http.post("/api/v1/processes/web/restart", "{\"env\":{\"A\":1},\"evn\":{}}"), 400, "INVALID",
                "env.A: give the value as a string, not 1\nevn: unknown key; restart takes");
        refused(http.post("/api/v1/processes/web/start", "{\"force\":true}"), 400, "INVALID", "force: unknown key; start takes no body");
        assertThat(pm.pid("web")).as("nothing was done").isEqualTo(pid);
        assertThat(pm.state("web")).isEqualTo("running");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRegisterAnswersAsAnHttpClientNeeds() {
        String spec = "{\"name\":\"twice\",\"script\":\"" + pm.fixture("sleeper.sh") + "\"}";
        var first = http.post("/api/v1/processes", spec);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.header("Location")).isEqualTo("/api/v1/processes/twice");
        var again = http.post("/api/v1/processes", spec);
        assertThat(again.status()).as("the same spec again makes nothing: " + again).isEqualTo(200);
        assertThat(again.json().get("unchanged")).isEqualTo(true);
        var taken = http.post("/api/v1/processes", spec.replace("}", ",\"restart_policy\":\"always\"}"));
        refused(taken, 409, "ALREADY_EXISTS", "a process named 'twice' is already registered with another spec (it differs in restart_policy): "
                + "to replace it, DELETE /api/v1/processes/twice and register again (that stops it), or register under another name");
        assertThat(taken.body()).doesNotContain("pm update").doesNotContain("--name");
        refused(http.post("/api/v1/processes", spec.replace("}", ",\"env_file\":\".env\"}")), 400, "INVALID",
                "env_file: a key of pm apply's pm.yaml, not of a register over HTTP; give the variables in env");
        // A program found on PATH has no folder of its own: it runs in the daemon user's home.
        assertThat(http.post("/api/v1/processes", "{\"name\":\"napper\",\"script\":\"sleep\",\"args\":[\"1000\"]}").status()).isEqualTo(201);
        var napper = (Map<String, Object>) http.get("/api/v1/processes/napper").json().get("spec");
        assertThat(napper.get("cwd")).isEqualTo(System.getProperty("user.home"));
        for (String name : List.of("twice", "napper")) assertThat(http.send("DELETE", "/api/v1/processes/" + name, http.auth(), null).status()).isEqualTo(200);
    }

    @Test
    void aReadOnlyTokenReadsEverything() {
        assertThat(readOnly.get("/api/v1/processes").status()).isEqualTo(200);
        assertThat(readOnly.get("/api/v1/processes/web").status()).isEqualTo(200);
        assertThat(readOnly.get("/metrics").status()).isEqualTo(200);
        assertThat(readOnly.get("/api/v1/session").json()).isEqualTo(Map.of("token", "watcher", "read_only", true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theApiAnswersWithTheCommandsJsonAndTheirErrors() {
        var list = http.get("/api/v1/processes");
        assertThat(list.status()).isEqualTo(200);
        var cli = Json.parseObject(pm.ok("status", "--json"));
        assertThat(list.json().keySet()).isEqualTo(cli.keySet());
        var fromApi = ((List<Map<String, Object>>) list.json().get("processes")).getFirst();
        var fromCli = ((List<Map<String, Object>>) cli.get("processes")).getFirst();
        assertThat(fromApi.keySet()).containsExactlyElementsOf(fromCli.keySet());
        assertThat(fromApi.get("pid")).isEqualTo(fromCli.get("pid"));
        var one = http.get("/api/v1/processes/web").json();
        var described = Json.parseObject(pm.ok("describe", "web", "--json"));
        assertThat(one.keySet()).containsExactlyElementsOf(described.keySet());
        assertThat(one.get("spec")).isEqualTo(described.get("spec"));
        // The same message as the CLI's, whichever door.
        var cliError = pm.run("start", "nope");
        assertThat(http.post("/api/v1/processes/nope/start", null).error().get(1)).isEqualTo(cliError.err().strip().substring("pm: ".length()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void appsAreRegisteredStartedStoppedRestartedAndUnregisteredOverHttp() {
        String spec = "{\"name\":\"api-app\",\"script\":\"" + pm.fixture("sleeper.sh") + "\",\"restart_policy\":\"always\",\"max_memory\":\"200M\","
                + "\"env\":{\"GREETING\":\"hi\"}}";
        var made = http.post("/api/v1/processes", spec);
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.header("Location")).isEqualTo("/api/v1/processes/api-app");
        var process = (Map<String, Object>) made.json().get("process");
        assertThat(process).containsEntry("name", "api-app").containsEntry("state", "stopped").containsEntry("restart_policy", "always");
        var described = Json.parseObject(pm.ok("describe", "api-app", "--json"));
        assertThat((Map<String, Object>) described.get("spec")).containsEntry("cwd", pm.fixture("sleeper.sh").getParent().toString())
                .containsEntry("max_memory_bytes", 200L << 20);

        var started = http.post("/api/v1/processes/api-app/start", null);
        assertThat(started.status()).isEqualTo(200);
        var run = ((List<Map<String, Object>>) started.json().get("processes")).getFirst();
        assertThat(run.get("state")).isEqualTo("running");
        long pid = ((Number) run.get("pid")).longValue();
        assertThat(pm.pid("api-app")).isEqualTo(pid);

        var restarted = http.post("/api/v1/processes/api-app/restart", "{\"env\":{\"GREETING\":\"hello\"}}");
        long again = ((Number) ((List<Map<String, Object>>) restarted.json().get("processes")).getFirst().get("pid")).longValue();
        assertThat(again).isNotEqualTo(pid);
        assertThat(Pm.alive(pid)).isFalse();

        var stopped = http.post("/api/v1/processes/api-app/stop?force=true", null);
        assertThat(((List<Map<String, Object>>) stopped.json().get("processes")).getFirst().get("state")).isEqualTo("stopped");
        assertThat(Pm.alive(again)).isFalse();

        assertThat(http.send("DELETE", "/api/v1/processes/api-app", http.auth(), null).status()).isEqualTo(200);
        assertThat(pm.run("describe", "api-app").code()).isEqualTo(4);
    }

    @Test
    void theLogsLastLinesComeAsJson() {
        var r = http.get("/api/v1/processes/web/logs?lines=5&stream=out");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).containsEntry("name", "web").doesNotContainKey("err");
        assertThat((List<?>) r.json().get("out")).anySatisfy(l -> assertThat((String) l).startsWith("sleeper up pid="));
        assertThat((List<?>) http.get("/api/v1/processes/web/logs?lines=0").json().get("out")).isEmpty();
    }

    @Test
    void theLoginLinkWorksOnceAndLeavesASessionCookie() throws Exception {
        String url = pm.ok("dashboard").strip();
        assertThat(url).startsWith("http://127.0.0.1:" + http.port + "/login?t=");
        String path = url.substring(url.indexOf("/login"));
        var login = http.send("GET", path, Map.of("Accept", "text/html"), null);
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.header("Location")).isEqualTo("/");
        String cookie = login.header("Set-Cookie");
        assertThat(cookie).startsWith("pm_session=").contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/");
        var session = Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')));
        assertThat(http.send("GET", "/api/v1/session", session, null).json()).isEqualTo(Map.of("token", "default", "read_only", false));
        var page = http.send("GET", "/", session, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(page.body()).contains("<script src=\"/app.js\" defer>").contains("<script src=\"/views.js\" defer>");
        for (var asset : Map.of("/app.js", "text/javascript", "/views.js", "text/javascript", "/app.css", "text/css").entrySet()) {
            var a = http.send("GET", asset.getKey(), session, null);
            assertThat(a.status()).as(asset.getKey()).isEqualTo(200);
            assertThat(a.header("Content-Type")).startsWith(asset.getValue());
        }
        // Once only.
        var second = http.send("GET", path, Map.of("Accept", "text/html"), null);
        assertThat(second.status()).isEqualTo(401);
        assertThat(second.body()).contains("this login link was used already").contains("pm dashboard");
        refused(http.send("GET", path, Map.of(), null), 401, "UNAUTHORIZED", "this login link was used already");
        // A page without a session says how to get one.
        var bare = http.send("GET", "/", Map.of("Accept", "text/html"), null);
        assertThat(bare.status()).isEqualTo(401);
        assertThat(bare.body()).contains("Run <code>pm dashboard</code>");
        // Logging out ends the session.
        assertThat(http.send("POST", "/logout", session, null).status()).isEqualTo(204);
        refused(http.send("GET", "/api/v1/session", session, null), 401, "UNAUTHORIZED", "the session has ended");
    }

    @Test
    void aLoginAsAReadOnlyTokenMayOnlyRead() {
        String url = pm.ok("dashboard", "--token", "watcher").strip();
        var login = http.send("GET", url.substring(url.indexOf("/login")), Map.of(), null);
        String cookie = login.header("Set-Cookie");
        var session = Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')));
        assertThat(http.send("GET", "/api/v1/session", session, null).json()).isEqualTo(Map.of("token", "watcher", "read_only", true));
        refused(http.send("POST", "/api/v1/processes/web/stop", session, null), 403, "FORBIDDEN", "read-only");
        var unknown = pm.run("dashboard", "--token", "nobody");
        assertThat(unknown.code()).isEqualTo(4);
        assertThat(unknown.err()).contains("pm: no token named 'nobody'");
    }

    @Test
    void tokensAreShownOnceKeptHashedAndRevoked() throws Exception {
        var created = pm.run("token", "create", "ci");
        String secret = created.out().strip();
        assertThat(secret).startsWith("pm_").doesNotContain("\n");
        assertThat(created.err()).contains("this is the only time it is shown");
        var ci = new Http(http.port, secret);
        assertThat(ci.get("/api/v1/processes").status()).isEqualTo(200);
        String list = pm.ok("token", "list");
        assertThat(list).contains("default", "ci", "watcher", "read-only").doesNotContain(secret);
        assertThat(pm.ok("token", "list", "--json")).doesNotContain(secret).doesNotContain("sha256");
        var file = pm.file("tokens.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).doesNotContain(secret);
        assertThat(Files.readString(pm.file("daemon.log"))).doesNotContain(secret);
        assertThat(pm.run("token", "create", "ci").err()).contains("pm: a token named 'ci' exists");
        pm.ok("token", "revoke", "ci");
        refused(ci.get("/api/v1/processes"), 401, "UNAUTHORIZED", "unknown or revoked token");
        assertThat(pm.run("token", "revoke", "ci").code()).isEqualTo(4);
    }
}
