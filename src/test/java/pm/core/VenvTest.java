package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class VenvTest {
    @TempDir
    Path root;

    /** A virtualenv as far as pm can tell: a folder with an executable bin/python. */
    private Path venv(String where) throws IOException {
        Path python = root.resolve(where).resolve("bin/python");
        Files.createDirectories(python.getParent());
        Files.writeString(python, "#!/bin/sh\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        return python;
    }

    private Path dir(String where) throws IOException {
        return Files.createDirectories(root.resolve(where));
    }

    @Test
    void findsTheVirtualenvInTheScriptsFolder() throws IOException {
        Path python = venv("app/.venv");
        assertThat(Venv.find(dir("app"), root)).contains(python);
    }

    @Test
    void findsAFolderNamedVenvToo() throws IOException {
        Path python = venv("app/venv");
        assertThat(Venv.find(dir("app"), root)).contains(python);
    }

    @Test
    void dotVenvWinsOverVenvInTheSameFolder() throws IOException {
        Path dotVenv = venv("app/.venv");
        venv("app/venv");
        assertThat(Venv.find(dir("app"), root)).contains(dotVenv);
    }

    @Test
    void findsOneInAParentUpToTheStopFolderAndTheNearestWins() throws IOException {
        Path top = venv(".venv");
        assertThat(Venv.find(dir("project/src/app"), root)).contains(top);
        Path nearer = venv("project/.venv");
        assertThat(Venv.find(dir("project/src/app"), root)).contains(nearer);
    }

    @Test
    void neverLooksAboveTheStopFolder() throws IOException {
        venv(".venv");
        assertThat(Venv.find(dir("project/app"), dir("project"))).isEmpty();
    }

    @Test
    void aScriptOutsideTheStopFolderOnlyHasItsOwnFolderSearched() throws IOException {
        venv("elsewhere/.venv");
        assertThat(Venv.find(dir("elsewhere/tool"), dir("work"))).isEmpty();
        Path own = venv("elsewhere/tool/.venv");
        assertThat(Venv.find(dir("elsewhere/tool"), dir("work"))).contains(own);
    }

    @Test
    void aFolderWithoutAnExecutablePythonIsNoVirtualenv() throws IOException {
        dir("app/.venv/bin");
        Path notExecutable = venv("app/venv");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Venv.find(dir("app"), root)).isEmpty();
    }

    @Test
    void keepsTheVirtualenvsPathRatherThanWhereItsPythonLinksTo() throws IOException {
        Path real = venv("python-install");
        Path link = dir("app/.venv/bin").resolve("python");
        Files.createSymbolicLink(link, real);
        assertThat(Venv.find(dir("app"), root)).contains(link);
    }
}
