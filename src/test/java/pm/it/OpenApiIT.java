package pm.it;

import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks docs/openapi.json and asks a real daemon each operation it documents: the success answer, no
 * credentials, and an unknown process where the path names one; each answer's status must be documented
 * for that operation, with its content type. The daemon serves the same file.
 */
class OpenApiIT {
    @Test
    @SuppressWarnings("unchecked")
    void everyDocumentedRouteAnswersAsDocumented() throws Exception {
        var doc = Json.parseObject(Files.readString(Pm.ROOT.resolve("docs/openapi.json")));
        assertThat(doc.get("openapi")).isEqualTo("3.1.0");
        var paths = (Map<String, Map<String, Object>>) doc.get("paths");
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
            pm.ok("start", "web");
            var http = Http.of(pm);
            assertThat(Json.parseObject(http.get("/api/v1/openapi.json").body())).as("the daemon serves docs/openapi.json").isEqualTo(doc);
            var checked = new ArrayList<String>();
            var notAllowed = resolve(doc, Map.of("405", Map.of("$ref", "#/components/responses/MethodNotAllowed")));
            for (var path : paths.entrySet()) {
                // A method the path does not list: 405, with the documented ones in Allow.
                var methods = new java.util.TreeSet<String>();
                for (String m : path.getValue().keySet()) if (!m.equals("parameters")) methods.add(m.toUpperCase());
                var put = http.send("PUT", path.getKey().replace("{name}", "web"), http.auth(), "{}");
                documented("PUT " + path.getKey(), notAllowed, put.status(), answer(put).contentType());
                assertThat(new java.util.TreeSet<>(List.of(put.header("Allow").split(", ")))).as("Allow of " + path.getKey()).isEqualTo(methods);
                for (var op : path.getValue().entrySet()) {
                    if (op.getKey().equals("parameters")) continue;
                    String method = op.getKey().toUpperCase();
                    var operation = (Map<String, Object>) op.getValue();
                    var responses = resolve(doc, (Map<String, Object>) operation.get("responses"));
                    String where = method + " " + path.getKey();
                    // The way each documented success is reached.
                    var ok = success(pm, http, method, path.getKey());
                    documented(where, responses, ok.status(), ok.contentType());
                    assertThat(ok.status()).as(where + " succeeds").isBetween(200, 399);
                    if (operation.get("security") == null) {
                        var anonymous = ask(http, method, path.getKey().replace("{name}", "web"), Map.of(), null);
                        documented(where + " without credentials", responses, anonymous.status(), anonymous.contentType());
                        assertThat(anonymous.status()).isEqualTo(401);
                    }
                    if (path.getKey().contains("{name}")) {
                        var unknown = ask(http, method, path.getKey().replace("{name}", "nosuchapp"), http.auth(), body(method, path.getKey()));
                        documented(where + " for an unknown app", responses, unknown.status(), unknown.contentType());
                        assertThat(unknown.status()).isEqualTo(404);
                    }
                    checked.add(where);
                }
            }
            assertThat(checked).as("every operation of the document").hasSize(15);
        }
    }

    record Answer(int status, String contentType) {}

    /** A request that should succeed: an existing app, a fresh one to register or remove, a login code. */
    static Answer success(Pm pm, Http http, String method, String path) throws Exception {
        if (path.equals("/login")) {
            String url = pm.ok("dashboard").strip();
            return answer(http.send("GET", url.substring(url.indexOf("/login")), Map.of(), null));
        }
        if (method.equals("DELETE")) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "doomed");
            return ask(http, method, path.replace("{name}", "doomed"), http.auth(), null);
        }
        if (path.equals("/api/v1/events")) {
            try (var s = http.stream(path)) {
                return new Answer(s.status, "text/event-stream");
            }
        }
        return ask(http, method, path.replace("{name}", "web"), http.auth(), body(method, path));
    }

    static String body(String method, String path) {
        if (!method.equals("POST")) return null;
        if (path.equals("/api/v1/processes"))
            return "{\"name\":\"fresh" + System.nanoTime() + "\",\"script\":\"" + Pm.FIXTURES.resolve("sleeper.sh") + "\",\"restart_policy\":\"always\"}";
        return "{}";
    }

    static Answer ask(Http http, String method, String path, Map<String, String> headers, String body) {
        if (path.equals("/api/v1/events") && headers.containsKey("Authorization")) throw new IllegalStateException("use a stream");
        return answer(http.send(method, path, headers, body));
    }

    static Answer answer(Http.Response r) {
        String type = r.header("Content-Type");
        return new Answer(r.status(), type == null ? null : type.split(";")[0].strip());
    }

    /** The status is documented, and its content type is one documented for it (none when none is). */
    @SuppressWarnings("unchecked")
    static void documented(String where, Map<String, Object> responses, int status, String contentType) {
        assertThat(responses).as(where + " answered " + status + ", documented are " + responses.keySet()).containsKey(String.valueOf(status));
        var response = (Map<String, Object>) responses.get(String.valueOf(status));
        var content = (Map<String, Object>) response.get("content");
        if (content == null) assertThat(contentType).as(where + " " + status + " has no body").isNull();
        else assertThat(content.keySet()).as(where + " " + status + " content type").contains(contentType);
    }

    /** The responses with their references followed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> resolve(Map<String, Object> doc, Map<String, Object> responses) {
        var out = new LinkedHashMap<String, Object>();
        for (var e : responses.entrySet()) {
            var r = (Map<String, Object>) e.getValue();
            if (r.get("$ref") instanceof String ref) {
                Object at = doc;
                for (String part : ref.substring(2).split("/")) at = ((Map<String, Object>) at).get(part);
                r = (Map<String, Object>) at;
            }
            out.put(e.getKey(), r);
        }
        return out;
    }

}
