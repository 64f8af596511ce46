package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What pm works out from a script: its path, its kind, its name. */
class ScriptTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    Path executable(String name, String content) throws IOException {
        Path f = write(name, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    static Path resolve(String arg, Path base) {
        return Script.resolve(arg, base, System.getenv("PATH"));
    }

    static void assertInvalid(Runnable r, String... fragments) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .message().contains(fragments);
    }

    @ParameterizedTest
    @CsvSource({
        "app.py, PYTHON", "APP.PY, PYTHON",
        "server.js, NODEJS", "server.mjs, NODEJS", "server.cjs, NODEJS",
        "run.sh, SHELL", "run.bash, SHELL",
        "service.jar, JAVA",
    })
    void infersTheTypeFromTheExtension(String file, ProcessType type) throws IOException {
        assertThat(Script.inferType(write(file, "whatever"))).isEqualTo(type);
    }

    @Test
    void theExtensionWinsOverTheShebang() throws IOException {
        assertThat(Script.inferType(write("tool.py", "#!/bin/bash\n"))).isEqualTo(ProcessType.PYTHON);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "#!/usr/bin/env python3       | PYTHON",
        "#!/usr/bin/python -u         | PYTHON",
        "#!/usr/bin/env node          | NODEJS",
        "#!/usr/local/bin/node        | NODEJS",
        "#!/bin/sh                    | SHELL",
        "#!/bin/bash                  | SHELL",
        "#!/usr/bin/env bash          | SHELL",
        "#!/bin/dash                  | SHELL",
        "#!/usr/bin/env zsh           | SHELL",
        "#!/bin/ksh -e                | SHELL",
    })
    void infersTheTypeFromTheShebangLine(String shebang, ProcessType type) throws IOException {
        assertThat(Script.inferType(write("tool", shebang + "\necho hi\n"))).isEqualTo(type);
    }

    @Test
    void pythonAndNodeShebangsWithWindowsLineEndingsAreRecognised() throws IOException {
        assertThat(Script.inferType(write("a", "#!/usr/bin/env python3\r\nprint(1)\r\n"))).isEqualTo(ProcessType.PYTHON);
        assertThat(Script.inferType(write("b", "#!/usr/bin/env node\r\nconsole.log(1)\r\n"))).isEqualTo(ProcessType.NODEJS);
    }

    @Test
    void shellShebangWithWindowsLineEndingsIsRecognised() throws IOException {
        assertThat(Script.inferType(write("tool", "#!/bin/bash\r\necho hi\r\n"))).isEqualTo(ProcessType.SHELL);
    }

    @Test
    void onlyTheFirstLineCountsAsTheShebang() throws IOException {
        Path f = executable("tool", "#!/usr/bin/perl\n# not python, not node, not bash\n");
        assertThat(Script.inferType(f)).isEqualTo(ProcessType.BINARY);
    }

    @Test
    void anExecutableWithoutExtensionOrShebangIsABinary() throws IOException {
        assertThat(Script.inferType(executable("server", "\u007fELF binary bytes"))).isEqualTo(ProcessType.BINARY);
        assertThat(Script.inferType(executable("fishy", "#!/usr/bin/fish\n"))).isEqualTo(ProcessType.BINARY);
    }

    @Test
    void aPlainFileOfUnknownKindHasNoType() throws IOException {
        assertThat(Script.inferType(write("notes", "hello\n"))).isNull();
    }

    @ParameterizedTest
    @CsvSource({"app.py, app", "server, server", "my.app.js, my.app", ".hidden, .hidden", "a.tar.gz, a.tar"})
    void defaultNameIsTheFileNameWithoutItsExtension(String file, String name) {
        assertThat(Script.defaultName(Path.of("/srv", file))).isEqualTo(name);
    }

    @Test
    void resolvesAScriptRelativeToTheCallersFolder() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Path script = write("sub/app.py", "print(1)\n");
        assertThat(resolve("sub/app.py", dir)).isEqualTo(script);
        assertThat(resolve("app.py", dir.resolve("sub"))).isEqualTo(script);
        assertThat(resolve("../sub/./app.py", dir.resolve("sub"))).isEqualTo(script);
        assertThat(resolve(script.toString(), Path.of("/"))).isEqualTo(script);
    }

    @Test
    void aLocalFileShadowsAProgramOnThePath() throws IOException {
        Path local = write("sh", "#!/bin/sh\n");
        assertThat(resolve("sh", dir)).isEqualTo(local);
    }

    @Test
    void aBareNameIsLookedUpOnThePath() {
        Path found = resolve("sh", dir);
        assertThat(found).isAbsolute();
        assertThat(found.getFileName().toString()).isEqualTo("sh");
        assertThat(Files.isExecutable(found)).isTrue();
    }

    @Test
    void aBareNameIsLookedUpOnThePathGivenNotThisProcesss() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = executable("bin/pm-test-tool", "#!/bin/sh\n");
        assertThat(Script.resolve("pm-test-tool", dir, "/nonexistent:" + bin)).isEqualTo(tool);
        assertInvalid(() -> Script.resolve("pm-test-tool", dir, "/usr/bin"), "script not found");
        assertInvalid(() -> Script.resolve("pm-test-tool", dir, null), "script not found");
    }

    @Test
    void aMissingScriptIsAnErrorNamingThePath() {
        assertInvalid(() -> resolve("missing.py", dir),
                "script not found: " + dir.resolve("missing.py"), "relative to " + dir);
        assertInvalid(() -> resolve("sub/missing", dir), "script not found");
        assertInvalid(() -> resolve("no-such-program-pm-test-xyz", dir), "script not found");
    }

    @Test
    void anEmptyScriptOrADirectoryIsRejected() throws IOException {
        Files.createDirectories(dir.resolve("folder"));
        assertInvalid(() -> resolve("", dir), "the script is empty");
        assertInvalid(() -> resolve("folder", dir), "folder is a directory");
    }
}
