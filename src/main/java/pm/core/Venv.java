package pm.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds the virtualenv a Python app keeps beside it, so that it runs with its own packages, not the system's. */
public final class Venv {
    private Venv() {}

    /** The folder names that hold a virtualenv, nearest first at each level, as python's and uv's tools make them. */
    private static final List<String> FOLDERS = List.of(".venv", "venv");

    /**
     * The {@code bin/python} of the nearest {@code .venv/} or {@code venv/} in {@code scriptDir} or a
     * parent of it, up to and including {@code stopAt}. When {@code scriptDir} is not under {@code stopAt}
     * only its own folder counts: a virtualenv found far up the tree would belong to someone else. The
     * path is kept as it is, not resolved: python knows it runs in a virtualenv from that path.
     */
    public static Optional<Path> find(Path scriptDir, Path stopAt) {
        Path dir = scriptDir.toAbsolutePath().normalize();
        Path stop = stopAt.toAbsolutePath().normalize();
        boolean under = dir.startsWith(stop);
        for (; dir != null; dir = dir.getParent()) {
            for (String folder : FOLDERS) {
                Path python = dir.resolve(folder).resolve("bin").resolve("python");
                if (Files.isRegularFile(python) && Files.isExecutable(python)) return Optional.of(python);
            }
            if (!under || dir.equals(stop)) break;
        }
        return Optional.empty();
    }
}
