package pm.daemon.logs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)} and {@code ftruncate} through the FFM API: the JDK has
 * neither, and collapsing the front of a log file is what makes rotation lossless while the app keeps
 * appending to it (DESIGN.md section 3).
 */
final class FileOps {
    private FileOps() {}

    static final int EOPNOTSUPP = 95;
    static final int EINVAL = 22;
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FALLOCATE = handle("fallocate", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle FTRUNCATE = handle("ftruncate",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, ERRNO);
    }

    /** Removes the first {@code length} bytes of the file (a multiple of its block size); 0 or the errno. */
    static int collapseFront(Path file, long length) {
        return withFile(file, (fd, state) -> (int) FALLOCATE.invokeExact(state, fd, FALLOC_FL_COLLAPSE_RANGE, 0L, length));
    }

    /** Truncates the file to {@code length}; 0 or the errno. */
    static int truncate(Path file, long length) {
        return withFile(file, (fd, state) -> (int) FTRUNCATE.invokeExact(state, fd, length));
    }

    private interface Call {
        int on(int fd, MemorySegment state) throws Throwable;
    }

    private static int withFile(Path file, Call call) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDWR);
            if (fd < 0) return state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
            try {
                int rc = call.on(fd, state);
                return rc == 0 ? 0 : state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("file operation on " + file + " failed", t);
        }
    }
}
