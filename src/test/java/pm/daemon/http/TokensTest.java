package pm.daemon.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.PmException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokensTest {
    @Test
    void theFirstLoadMakesAFullAccessDefaultTokenInAPrivateFile(@TempDir Path dir) throws Exception {
        var file = dir.resolve("tokens.json");
        var tokens = new Tokens(file);
        tokens.load();
        assertThat(tokens.list()).extracting(Tokens.Token::name).containsExactly("default");
        assertThat(tokens.list().getFirst().readOnly()).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        tokens.load();
        assertThat(tokens.list()).as("made once").hasSize(1);
    }

    @Test
    void aTokenIsKeptOnlyAsItsHashAndVerifiesUntilRevoked(@TempDir Path dir) throws Exception {
        var file = dir.resolve("tokens.json");
        var tokens = new Tokens(file);
        tokens.load();
        String secret = tokens.create("ci", true);
        assertThat(secret).startsWith("pm_").hasSize(46);
        assertThat(Files.readString(file)).doesNotContain(secret).contains(Secret.hash(secret));
        var again = new Tokens(file);
        again.load();
        assertThat(again.verify(secret)).extracting(Tokens.Token::name, Tokens.Token::readOnly).containsExactly("ci", true);
        assertThat(again.verify(secret + "x")).isNull();
        assertThat(again.verify("pm_" + Secret.make())).isNull();
        again.revoke("ci");
        assertThat(again.verify(secret)).isNull();
        assertThat(again.list()).extracting(Tokens.Token::name).containsExactly("default");
    }

    @Test
    void namesAreCheckedAndUnique(@TempDir Path dir) {
        var tokens = new Tokens(dir.resolve("tokens.json"));
        tokens.load();
        assertThatThrownBy(() -> tokens.create("default", false)).isInstanceOf(PmException.class)
                .extracting(e -> ((PmException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThatThrownBy(() -> tokens.create("a b", false)).hasMessageContaining("bad token name 'a b'");
        assertThatThrownBy(() -> tokens.revoke("nope")).hasMessage("no token named 'nope'; pm token list shows them");
    }

    @Test
    void anUnreadableFileIsNeitherTrustedNorWrittenOver(@TempDir Path dir) throws Exception {
        var file = dir.resolve("tokens.json");
        Files.writeString(file, "{not json");
        var tokens = new Tokens(file);
        tokens.load();
        assertThat(tokens.verify("pm_anything")).isNull();
        assertThatThrownBy(() -> tokens.create("ci", false)).hasMessageContaining("is unreadable").hasMessageContaining("fix it or remove it");
        assertThat(Files.readString(file)).isEqualTo("{not json");
    }

    @Test
    void aLoginCodeWorksOnceAndOnlyWhileFresh() throws Exception {
        var logins = new Logins(Duration.ofMillis(200), Duration.ofHours(1));
        String code = logins.code("default");
        String session = logins.redeem(code);
        assertThat(session).isNotNull();
        assertThat(logins.session(session)).isEqualTo("default");
        assertThat(logins.redeem(code)).as("a second use").isNull();
        String late = logins.code("default");
        Thread.sleep(300);
        assertThat(logins.redeem(late)).as("an expired code").isNull();
        logins.endAll("default");
        assertThat(logins.session(session)).as("the token was revoked").isNull();
    }

    @Test
    void anIdleSessionEnds() throws Exception {
        var logins = new Logins(Duration.ofMinutes(1), Duration.ofMillis(200));
        String session = logins.redeem(logins.code("ro"));
        assertThat(logins.session(session)).isEqualTo("ro");
        Thread.sleep(300);
        assertThat(logins.session(session)).isNull();
    }
}
