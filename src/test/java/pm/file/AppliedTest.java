package pm.file;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What apply remembers of a parse: the same file, env files and variables give the specs the parse gave,
 * without it; any of them changed, another file, a script or virtualenv changed on disk, or a damaged
 * memory, and there is nothing to recall (the caller parses).
 */
class AppliedTest {
    @TempDir
    Path dir;
    @TempDir
    Path home;
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "PORT", "8080"));
    Applied applied;
    Path file;

    static final String FILE = """
            apps:
              web:
                script: web.py
                port: ${PORT}
                env_file: web.env
                env:
                  GREETING: ${GREETING:-hello}
              worker:
                script: worker.sh
                autostart: false
                depends_on: [web]
            """;

    @BeforeEach
    void setUp() throws IOException {
        applied = new Applied(home.resolve("applied"));
        file = dir.resolve("pm.yaml");
        Files.writeString(file, FILE);
        Files.writeString(dir.resolve("web.py"), "print(1)\n");
        Files.writeString(dir.resolve("worker.sh"), "sleep 100\n");
        Files.writeString(dir.resolve("web.env"), "MODE=file\n");
    }

    /** A parse, as apply does it, kept as apply does once the daemon took it; the apps it gave. */
    List<AppsFile.App> parseAndKeep(Path file) {
        var loaded = AppsFile.load(file, "pm.yaml", AppsFile.text(file, "pm.yaml"), env);
        applied.keep(loaded.memory());
        return loaded.apps();
    }

    List<AppsFile.App> recall(Path file) {
        return applied.recall(file, AppsFile.text(file, "pm.yaml"), env);
    }

    List<AppsFile.App> parse(Path file) {
        return AppsFile.load(file, "pm.yaml", env);
    }

    @Test
    void theSameFileEnvFileAndVariablesGiveWhatTheParseGave() {
        var parsed = parseAndKeep(file);
        assertThat(parsed).hasSize(2);
        assertThat(recall(file)).isEqualTo(parsed);
        assertThat(recall(file).get(1).autostart()).isFalse();
        env.put("UNRELATED", "x");
        assertThat(recall(file)).as("a variable the file does not name changes nothing").isEqualTo(parsed);
    }

    @Test
    void nothingIsRecalledBeforeAnyApply() {
        assertThat(recall(file)).isNull();
    }

    @Test
    void aChangedFileIsParsedAgain() throws IOException {
        parseAndKeep(file);
        Files.writeString(file, FILE + "# a comment\n");
        assertThat(recall(file)).isNull();
    }

    @Test
    void aChangedEnvFileIsParsedAgain() throws IOException {
        parseAndKeep(file);
        Files.writeString(dir.resolve("web.env"), "MODE=other\n");
        assertThat(recall(file)).isNull();
        Files.delete(dir.resolve("web.env"));
        assertThat(recall(file)).isNull();
    }

    @Test
    void aVariableChangedNewlySetOrUnsetIsParsedAgain() {
        parseAndKeep(file);
        env.put("PORT", "8081");
        assertThat(recall(file)).as("a value changed").isNull();
        env.put("PORT", "8080");
        assertThat(recall(file)).as("back as it was").isNotNull();

        env.put("GREETING", "bonjour");
        assertThat(recall(file)).as("set where the default was used").isNull();
        parseAndKeep(file);
        assertThat(recall(file).getFirst().spec().env()).containsEntry("GREETING", "bonjour");
        env.remove("GREETING");
        assertThat(recall(file)).as("unset again").isNull();
        env.put("GREETING", "");
        assertThat(recall(file)).as("set empty is not unset").isNull();
    }

    @Test
    void anotherFileWithTheSameTextIsParsedAgain() throws IOException {
        parseAndKeep(file);
        Path other = Files.createDirectories(dir.resolve("copy")).resolve("pm.yaml");
        Files.writeString(other, FILE);
        assertThat(recall(other)).isNull();
        // A path spelled otherwise is the same file.
        assertThat(recall(dir.resolve("copy/../pm.yaml"))).isNotNull();
    }

    @Test
    void theSpecsAreBuiltAgainSoAScriptOrAVirtualenvChangedOnDiskIsSeen() throws IOException {
        parseAndKeep(file);
        Files.createDirectories(dir.resolve(".venv/bin"));
        Path python = Files.writeString(dir.resolve(".venv/bin/python"), "");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        var recalled = recall(file);
        assertThat(recalled).isEqualTo(parse(file));
        assertThat(recalled.getFirst().spec().interpreter()).isEqualTo(python.toString());

        Files.delete(dir.resolve("worker.sh"));
        assertThat(recall(file)).as("a spec that no longer builds: the parse says why, with its line").isNull();
    }

    @Test
    void aBareProgramNameFollowsPathAsTheParseWould() throws IOException {
        Files.writeString(file, "apps:\n  tool:\n    script: mytool\n    type: binary\n");
        Path bin = Files.createDirectories(dir.resolve("bin1"));
        Path bin2 = Files.createDirectories(dir.resolve("bin2"));
        for (Path b : List.of(bin, bin2)) {
            Files.writeString(b.resolve("mytool"), "");
            Files.setPosixFilePermissions(b.resolve("mytool"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        env.put("PATH", bin + ":" + bin2);
        assertThat(parseAndKeep(file).getFirst().spec().script()).isEqualTo(bin.resolve("mytool").toString());
        env.put("PATH", bin2.toString());
        assertThat(recall(file).getFirst().spec().script()).isEqualTo(bin2.resolve("mytool").toString());
    }

    @Test
    void aDamagedMemoryIsIgnoredAndReplacedByTheNextKeep() throws IOException {
        var parsed = parseAndKeep(file);
        Path kept;
        try (var files = Files.list(home.resolve("applied"))) {
            kept = files.findFirst().orElseThrow();
        }
        String good = Files.readString(kept);
        for (String bad : List.of("", "{", "not json", "[]", "{\"format\": 1}", good.substring(0, good.length() / 2),
                good.replace("\"autostart\":false", "\"autostart\":\"no\""), good.replace("\"apps\":[", "\"apps\":[7,"),
                good.replace("\"format\":1", "\"format\":2"))) {
            Files.writeString(kept, bad);
            assertThat(recall(file)).as(bad).isNull();
        }
        Files.write(kept, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertThat(recall(file)).isNull();
        assertThat(parseAndKeep(file)).isEqualTo(parsed);
        assertThat(recall(file)).isEqualTo(parsed);
    }

    @Test
    void theMemoryIsTheOwnersAloneAndLeavesNoTempFile() throws IOException {
        parseAndKeep(file);
        parseAndKeep(file);
        assertThat(Files.getPosixFilePermissions(home.resolve("applied"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(home.resolve("applied"))) {
            var list = files.toList();
            assertThat(list).hasSize(1);
            assertThat(list.getFirst().getFileName().toString()).endsWith(".json");
            assertThat(Files.getPosixFilePermissions(list.getFirst())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aValueJsonCannotCarryAsItIsIsNotKept() throws IOException {
        Files.writeString(file, "apps:\n  web:\n    script: web.py\n    env:\n      RATIO: .nan\n");
        assertThat(parseAndKeep(file)).hasSize(1);
        assertThat(recall(file)).isNull();
    }
}
