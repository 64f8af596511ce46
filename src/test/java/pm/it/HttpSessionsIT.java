package pm.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a token or a session opened ends with it: a revoke or a logout ends its streams at once. */
class HttpSessionsIT {
    static final Duration PROMPT = Duration.ofSeconds(3);
    static Pm pm;
    static Http http;

    @BeforeAll
    static void start() {
        pm = new Pm();
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
        pm.ok("start", "web");
        http = Http.of(pm);
    }

    @AfterAll
    static void stop() {
        pm.close();
    }

    /** A login with {@code pm dashboard --token token}'s link: the session cookie's header. */
    static Map<String, String> login(String token) {
        String url = pm.ok("dashboard", "--token", token).strip();
        var login = http.send("GET", url.substring(url.indexOf("/login")), Map.of(), null);
        String cookie = login.header("Set-Cookie");
        var h = new LinkedHashMap<String, String>();
        h.put("Cookie", cookie.substring(0, cookie.indexOf(';')));
        return h;
    }

    @Test
    void aRevokeEndsTheStreamsOpenWithTheTokenAndItsSessions() throws Exception {
        var gone = new Http(http.port, pm.ok("token", "create", "gone").strip());
        var session = login("gone");
        try (var events = gone.stream("/api/v1/events?samples=0");
             var logs = gone.stream("/api/v1/processes/web/logs?follow=true&lines=1");
             var page = new Http.Stream(http, "/api/v1/events?samples=0", session);
             var other = http.stream("/api/v1/events?samples=0")) {
            for (var s : new Http.Stream[]{events, logs, page, other}) assertThat(s.status).isEqualTo(200);
            assertThat(events.next("snapshot", PROMPT)).isNotNull();
            assertThat(page.next("snapshot", PROMPT)).isNotNull();
            assertThat(pm.ok("token", "revoke", "gone")).isEqualTo(
                    "revoked token 'gone'; requests with it are refused from now on, and its dashboard sessions and open streams end\n");
            assertThat(events.endsWithin(PROMPT)).as("the event stream with the revoked token").isTrue();
            assertThat(logs.endsWithin(PROMPT)).as("the log follow with the revoked token").isTrue();
            assertThat(page.endsWithin(PROMPT)).as("the event stream of the revoked token's session").isTrue();
            assertThat(other.endsWithin(Duration.ofSeconds(1))).as("another token's stream").isFalse();
        }
    }

    @Test
    void withNoTokenLeftTheListSaysHowToMakeOne() {
        try (var alone = new Pm()) {
            alone.ok("daemon", "start");
            alone.ok("token", "revoke", "default");
            assertThat(alone.ok("token", "list")).isEqualTo("no tokens; pm token create NAME makes one\n");
        }
    }

    @Test
    void everyAnswerToASessionRenewsItsCookie() {
        var session = login("default");
        for (String path : new String[]{"/api/v1/session", "/api/v1/processes", "/"}) {
            var r = http.send("GET", path, session, null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Set-Cookie")).as(path).isEqualTo(session.get("Cookie") + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400");
        }
        assertThat(http.get("/api/v1/session").header("Set-Cookie")).as("a bearer token's answer").isNull();
    }

    @Test
    void aLogoutEndsTheStreamsOfItsSession() throws Exception {
        var session = login("default");
        var kept = login("default");
        try (var page = new Http.Stream(http, "/api/v1/events?samples=0", session);
             var log = new Http.Stream(http, "/api/v1/processes/web/logs?follow=true", session);
             var other = new Http.Stream(http, "/api/v1/events?samples=0", kept)) {
            assertThat(page.next("snapshot", PROMPT)).isNotNull();
            assertThat(http.send("POST", "/logout", session, null).status()).isEqualTo(204);
            assertThat(page.endsWithin(PROMPT)).as("the event stream of the session").isTrue();
            assertThat(log.endsWithin(PROMPT)).as("the log follow of the session").isTrue();
            assertThat(other.endsWithin(Duration.ofSeconds(1))).as("another session's stream").isFalse();
        }
    }
}
