package pm.daemon.controller;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc call the JDK does not offer: {@code kill} with a negative pid (a whole process group, any
 * signal). Through the Foreign Function &amp; Memory API, so no JNI library to ship.
 */
public final class Libc {
    private Libc() {}

    public static final int ESRCH = 3;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle KILL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);

    /**
     * Sends a signal (a negative pid: to a whole group); returns 0 on success or the errno (ESRCH: no
     * such process or group). {@code state} is where the call leaves errno, the caller's to reuse.
     */
    public static int kill(long pid, int signal, MemorySegment state) {
        try {
            int rc = (int) KILL.invokeExact(state, (int) pid, signal);
            return rc == 0 ? 0 : state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
        }
    }
}
