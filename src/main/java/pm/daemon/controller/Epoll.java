package pm.daemon.controller;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static pm.daemon.controller.Posix.ADDR;
import static pm.daemon.controller.Posix.ERRNO;
import static pm.daemon.controller.Posix.ERRNO_OFFSET;
import static pm.daemon.controller.Posix.INT;

/**
 * An epoll set, waited on by one thread: a wait costs what is ready, not what is watched, so a thousand
 * apps' pidfds cost nothing while they run. A descriptor leaves the set when it is closed.
 */
final class Epoll {
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLLIN = 1;
    private static final int MAX_EVENTS = 256;
    // struct epoll_event {uint32_t events; uint64_t data;} is packed on x86-64 (12 bytes), aligned elsewhere.
    private static final boolean PACKED = System.getProperty("os.arch").equals("amd64");
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private static final MethodHandle CREATE = downcall("epoll_create1", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle CTL = downcall("epoll_ctl", FunctionDescriptor.of(INT, INT, INT, INT, ADDR));
    private static final MethodHandle WAIT = downcall("epoll_wait", FunctionDescriptor.of(INT, INT, ADDR, INT, INT));

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return Posix.LINKER.downcallHandle(Posix.find(name), fd, ERRNO);
    }

    private final int epfd;
    // Reused by every call: only the waiting thread adds and waits.
    private final MemorySegment state = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());
    private final MemorySegment events = Arena.ofAuto().allocate(EVENT_SIZE * MAX_EVENTS, 8);

    Epoll() {
        try {
            epfd = (int) CREATE.invokeExact(state, EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_create1 failed", t);
        }
        if (epfd < 0) throw new IllegalStateException("epoll_create1: " + Posix.strerror(state.get(INT, ERRNO_OFFSET)));
    }

    /** Watches {@code fd} for readability; the waiting thread only. */
    void add(int fd) {
        control(EPOLL_CTL_ADD, fd);
    }

    /**
     * Stops watching {@code fd}; call it before closing the descriptor. Closing alone is not enough: the
     * set keeps a file as long as any copy of the descriptor lives (a child between fork and exec holds
     * one), and would report the old file under a number that a new pidfd then reuses.
     */
    void remove(int fd) {
        control(EPOLL_CTL_DEL, fd);
    }

    private void control(int op, int fd) {
        events.set(INT, 0, EPOLLIN);
        events.set(INT, DATA_OFFSET, fd);
        int rc;
        try {
            rc = (int) CTL.invokeExact(state, epfd, op, fd, events);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_ctl failed", t);
        }
        if (rc < 0) throw new IllegalStateException("epoll_ctl(" + fd + "): " + Posix.strerror(state.get(INT, ERRNO_OFFSET)));
    }

    /** Waits up to {@code timeoutMillis} (-1: no limit) for readable descriptors; fills {@code ready}, returns how many. */
    int await(int[] ready, int timeoutMillis) {
        int n;
        try {
            n = (int) WAIT.invokeExact(state, epfd, events, Math.min(MAX_EVENTS, ready.length), timeoutMillis);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_wait failed", t);
        }
        if (n < 0) {
            int errno = state.get(INT, ERRNO_OFFSET);
            if (errno == Posix.EINTR) return 0; // the caller waits again
            throw new IllegalStateException("epoll_wait: " + Posix.strerror(errno));
        }
        for (int i = 0; i < n; i++) ready[i] = events.get(INT, i * EVENT_SIZE + DATA_OFFSET);
        return n;
    }
}
