package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegisterTest {
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
        assertThat(Register.inferType(write(file, "whatever"))).isEqualTo(type);
    }

    @Test
    void theExtensionWinsOverTheShebang() throws IOException {
        assertThat(Register.inferType(write("tool.py", "#!/bin/bash\n"))).isEqualTo(ProcessType.PYTHON);
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
        assertThat(Register.inferType(write("tool", shebang + "\necho hi\n"))).isEqualTo(type);
    }

    @Test
    void pythonAndNodeShebangsWithWindowsLineEndingsAreRecognised() throws IOException {
        assertThat(Register.inferType(write("a", "#!/usr/bin/env python3\r\nprint(1)\r\n"))).isEqualTo(ProcessType.PYTHON);
        assertThat(Register.inferType(write("b", "#!/usr/bin/env node\r\nconsole.log(1)\r\n"))).isEqualTo(ProcessType.NODEJS);
    }

    @Test
    void shellShebangWithWindowsLineEndingsIsRecognised() throws IOException {
        assertThat(Register.inferType(write("tool", "#!/bin/bash\r\necho hi\r\n"))).isEqualTo(ProcessType.SHELL);
    }

    @Test
    void onlyTheFirstLineCountsAsTheShebang() throws IOException {
        Path f = executable("tool", "#!/usr/bin/perl\n# not python, not node, not bash\n");
        assertThat(Register.inferType(f)).isEqualTo(ProcessType.BINARY);
    }

    @Test
    void anExecutableWithoutExtensionOrShebangIsABinary() throws IOException {
        assertThat(Register.inferType(executable("server", "\u007fELF binary bytes"))).isEqualTo(ProcessType.BINARY);
        assertThat(Register.inferType(executable("fishy", "#!/usr/bin/fish\n"))).isEqualTo(ProcessType.BINARY);
    }

    @Test
    void aPlainFileOfUnknownKindAsksForType() throws IOException {
        Path f = write("notes", "hello\n");
        assertInvalid(() -> Register.inferType(f), "cannot tell what kind of program", "--type");
    }

    @ParameterizedTest
    @CsvSource({"app.py, app", "server, server", "my.app.js, my.app", ".hidden, .hidden", "a.tar.gz, a.tar"})
    void defaultNameIsTheFileNameWithoutItsExtension(String file, String name) {
        assertThat(Register.defaultName(Path.of("/srv", file))).isEqualTo(name);
    }

    @Test
    void resolvesAScriptRelativeToTheCallersFolder() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Path script = write("sub/app.py", "print(1)\n");
        assertThat(Register.resolveScript("sub/app.py", dir)).isEqualTo(script);
        assertThat(Register.resolveScript("app.py", dir.resolve("sub"))).isEqualTo(script);
        assertThat(Register.resolveScript("../sub/./app.py", dir.resolve("sub"))).isEqualTo(script);
        assertThat(Register.resolveScript(script.toString(), Path.of("/"))).isEqualTo(script);
    }

    @Test
    void aLocalFileShadowsAProgramOnThePath() throws IOException {
        Path local = write("sh", "#!/bin/sh\n");
        assertThat(Register.resolveScript("sh", dir)).isEqualTo(local);
    }

    @Test
    void aBareNameIsLookedUpOnThePath() {
        Path found = Register.resolveScript("sh", dir);
        assertThat(found).isAbsolute();
        assertThat(found.getFileName().toString()).isEqualTo("sh");
        assertThat(Files.isExecutable(found)).isTrue();
    }

    @Test
    void aMissingScriptIsAnErrorNamingThePath() {
        assertInvalid(() -> Register.resolveScript("missing.py", dir),
                "script not found: " + dir.resolve("missing.py"), "relative to " + dir);
        assertInvalid(() -> Register.resolveScript("sub/missing", dir), "script not found");
        assertInvalid(() -> Register.resolveScript("no-such-program-pm-test-xyz", dir), "script not found");
    }

    @Test
    void anEmptyScriptOrADirectoryIsRejected() throws IOException {
        Files.createDirectories(dir.resolve("folder"));
        assertInvalid(() -> Register.resolveScript("", dir), "the script is empty");
        assertInvalid(() -> Register.resolveScript("folder", dir), "folder is a directory");
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "8080, 8080", "' 65535 ', 65535"})
    void parsesPorts(String text, int port) {
        assertThat(Register.port(text)).isEqualTo(port);
    }

    @Test
    void rejectsBadPortsAndCounts() {
        for (String bad : new String[] {"0", "65536", "-1", "http", ""})
            assertInvalid(() -> Register.port(bad), "bad --port '" + bad + "'", "1 to 65535");
        assertThat(Register.count("0", "--tail")).isZero();
        assertInvalid(() -> Register.count("-1", "--tail"), "bad --tail '-1'", "0 or more");
        assertInvalid(() -> Register.count("ten", "--max-restarts"), "bad --max-restarts 'ten'");
    }
}
