package pm.daemon.controller;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The process calls pm makes itself rather than through {@link ProcessBuilder}: {@code posix_spawn}
 * (with its own session, logs opened straight onto the child's stdout and stderr, every other descriptor
 * closed), {@code pidfd_open}, {@code waitid(P_PIDFD)} and {@code poll}. Written by hand because the JDK
 * keeps one reaper thread per child (about 100 KiB each, DESIGN.md section 3), watches a non-child by
 * polling, and folds "killed by signal N" into status 128+N; with pidfds one thread watches every app,
 * children and adopted ones alike, and the exit status is exact. glibc 2.34 or later (Linux 5.3+).
 */
final class Posix {
    private Posix() {}

    static final int EINTR = 4;
    static final int ECHILD = 10;
    static final int CLD_EXITED = 1;
    private static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int POSIX_SPAWN_SETSID = 0x80;
    private static final int POSIX_SPAWN_SETCGROUP = 0x100;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY_CREAT_APPEND = 0x1 | 0x40 | 0x400;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final int P_PIDFD = 3;
    private static final int WEXITED = 4;
    private static final int EFD_CLOEXEC_NONBLOCK = 0x80000 | 0x800;

    static final Linker LINKER = Linker.nativeLinker();
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final java.lang.foreign.AddressLayout ADDR = ValueLayout.ADDRESS;

    private static final MethodHandle SPAWN = fn("posix_spawn", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR));
    private static final MethodHandle FA_INIT = fn("posix_spawn_file_actions_init", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle FA_DESTROY = fn("posix_spawn_file_actions_destroy", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle FA_OPEN = fn("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(INT, ADDR, INT, ADDR, INT, INT));
    private static final MethodHandle FA_DUP2 = fn("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(INT, ADDR, INT, INT));
    private static final MethodHandle FA_CHDIR = fn("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final MethodHandle FA_CLOSEFROM = fn("posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(INT, ADDR, INT));
    private static final MethodHandle ATTR_INIT = fn("posix_spawnattr_init", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle ATTR_FLAGS = fn("posix_spawnattr_setflags", FunctionDescriptor.of(INT, ADDR, ValueLayout.JAVA_SHORT));
    private static final MethodHandle ATTR_SIGDEF = fn("posix_spawnattr_setsigdefault", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final MethodHandle ATTR_SIGMASK = fn("posix_spawnattr_setsigmask", FunctionDescriptor.of(INT, ADDR, ADDR));
    /** glibc 2.39+: a child born in a given cgroup (clone3 with CLONE_INTO_CGROUP); null with an older glibc. */
    private static final MethodHandle ATTR_SETCGROUP = LINKER.defaultLookup().find("posix_spawnattr_setcgroup_np").isEmpty()
            ? null : fn("posix_spawnattr_setcgroup_np", FunctionDescriptor.of(INT, ADDR, INT));
    private static final MethodHandle SIGFILLSET = fn("sigfillset", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle SIGEMPTYSET = fn("sigemptyset", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle SYSCALL2 = LINKER.downcallHandle(find("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL4 = LINKER.downcallHandle(find("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle WAITID = LINKER.downcallHandle(find("waitid"),
            FunctionDescriptor.of(INT, INT, INT, ADDR, INT), ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(find("close"), FunctionDescriptor.of(INT, INT));
    private static final MethodHandle EVENTFD = LINKER.downcallHandle(find("eventfd"), FunctionDescriptor.of(INT, INT, INT), ERRNO);
    private static final MethodHandle READ = LINKER.downcallHandle(find("read"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, ADDR, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = LINKER.downcallHandle(find("write"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, ADDR, ValueLayout.JAVA_LONG));
    private static final MethodHandle SCHED_YIELD = LINKER.downcallHandle(find("sched_yield"), FunctionDescriptor.of(INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(ADDR, INT));

    static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }

    private static MethodHandle fn(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd);
    }

    /** A failed call: the errno and its text. */
    static final class Failure extends Exception {
        final int errno;

        Failure(String call, int errno) {
            super(call + ": " + strerror(errno), null, false, false);
            this.errno = errno;
        }
    }

    static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /**
     * Makes ready a spawn of {@code program} (a path) in a new session, in {@code cwd}, with stdin from
     * /dev/null and stdout and stderr appended to the two files, to {@link Prepared#run} as often as asked.
     */
    static Prepared prepare(String program, List<String> argv, List<String> env, String cwd, String out, String err) throws Failure {
        return prepare(program, argv, env, cwd, out, err, List.of());
    }

    /** As above, with {@code fds} (descriptors of 3 or more above the last given) as the child's fd 3, 4, ... */
    static Prepared prepare(String program, List<String> argv, List<String> env, String cwd, String out, String err,
                            List<Integer> fds) throws Failure {
        var texts = new ArrayList<String>(argv.size() + env.size() + 4);
        texts.addAll(List.of(program, out, err, cwd));
        texts.addAll(argv);
        texts.addAll(env);
        var strings = CStrings.of(texts);
        int argc = argv.size();
        long pointersAt = ACTIONS_SIZE + 8; // after the file actions and the pid
        long stringsAt = pointersAt + 8L * (argc + 1 + env.size() + 1);
        var arena = Arena.ofConfined();
        Prepared ready = null;
        try {
            // Everything in one allocation, written in two copies: this code runs seldom, so it runs
            // interpreted and cold, and each native string or pointer stored apart cost 0.1-0.3 ms in all.
            MemorySegment memory = arena.allocate(stringsAt + strings.bytes().length, 16);
            MemorySegment.copy(strings.bytes(), 0, memory, ValueLayout.JAVA_BYTE, stringsAt, strings.bytes().length);
            long base = memory.address() + stringsAt;
            // Pointers are 64 bits on the platforms pm runs on (Linux on x86-64 and aarch64); 0 is NULL.
            long[] pointers = new long[argc + 1 + env.size() + 1];
            for (int i = 0; i < argc; i++) pointers[i] = base + strings.offsets()[4 + i];
            for (int i = 0; i < env.size(); i++) pointers[argc + 1 + i] = base + strings.offsets()[4 + argc + i];
            MemorySegment.copy(pointers, 0, memory, ValueLayout.JAVA_LONG, pointersAt, pointers.length);
            MemorySegment actions = memory.asSlice(0, ACTIONS_SIZE);
            check("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(actions));
            ready = new Prepared(arena, memory, program, argc, pointersAt, stringsAt, strings.offsets());
            check("addopen", (int) FA_OPEN.invokeExact(actions, 0, DEV_NULL, O_RDONLY, 0));
            check("addopen", (int) FA_OPEN.invokeExact(actions, 1, memory.asSlice(stringsAt + strings.offsets()[1]), O_WRONLY_CREAT_APPEND, 0600));
            check("addopen", (int) FA_OPEN.invokeExact(actions, 2, memory.asSlice(stringsAt + strings.offsets()[2]), O_WRONLY_CREAT_APPEND, 0600));
            check("addchdir", (int) FA_CHDIR.invokeExact(actions, memory.asSlice(stringsAt + strings.offsets()[3])));
            // The daemon's own descriptors (socket, registry, /proc files) are none of the app's business.
            // Held listening sockets (pm.daemon.controller.Sockets) become fd 3 and up; dup2 clears close-on-exec.
            for (int k = 0; k < fds.size(); k++) check("adddup2", (int) FA_DUP2.invokeExact(actions, (int) fds.get(k), 3 + k));
            check("addclosefrom", (int) FA_CLOSEFROM.invokeExact(actions, 3 + fds.size()));
            return ready;
        } catch (Throwable t) {
            if (ready != null) ready.close();
            else arena.close();
            if (t instanceof Failure f) throw f;
            throw new IllegalStateException("posix_spawn set-up failed", t);
        }
    }

    /**
     * A spawn made ready in native memory (file actions, argv, environment): an app that restarts keeps
     * one, because making it was most of the daemon's work on a restart's path (Launcher). Confined to the
     * thread that made it; {@link #close} frees it.
     */
    static final class Prepared implements AutoCloseable {
        private final Arena arena;
        private final MemorySegment memory;
        private final String program;
        private final int argc;
        private final long stringsAt;
        private final long[] offsets;
        // The call's arguments, sliced once: each slice is a step more on every restart.
        private final MemorySegment pid;
        private final MemorySegment path;
        private final MemorySegment actions;
        private final MemorySegment argv;
        private final MemorySegment envp;

        private Prepared(Arena arena, MemorySegment memory, String program, int argc, long pointersAt, long stringsAt, long[] offsets) {
            this.arena = arena;
            this.memory = memory;
            this.program = program;
            this.argc = argc;
            this.stringsAt = stringsAt;
            this.offsets = offsets;
            pid = memory.asSlice(ACTIONS_SIZE, 8);
            path = memory.asSlice(stringsAt);
            actions = memory.asSlice(0, ACTIONS_SIZE);
            argv = memory.asSlice(pointersAt);
            envp = memory.asSlice(pointersAt + 8L * (argc + 1));
        }

        /**
         * Starts the process; returns its pid. With a cgroup folder's descriptor ({@code cgroup >= 0}; where
         * glibc can, {@link #canSpawnIntoCgroup}) it is born in that cgroup.
         */
        long run(int cgroup) throws Failure {
            int rc;
            MemorySegment attributes = ATTRIBUTES;
            try {
                if (cgroup >= 0 && INTO_CGROUP != null) {
                    check("posix_spawnattr_setcgroup_np", (int) ATTR_SETCGROUP.invokeExact(INTO_CGROUP, cgroup));
                    attributes = INTO_CGROUP;
                }
                rc = (int) SPAWN.invokeExact(pid, path, actions, attributes, argv, envp);
            } catch (Failure f) {
                throw f;
            } catch (Throwable t) {
                throw new IllegalStateException("posix_spawn failed", t);
            }
            if (rc != 0) throw new Failure("cannot start " + program, rc);
            return pid.get(INT, 0);
        }

        /**
         * Overwrites environment entry {@code index} ("NAME=value") from byte {@code at} to its end with
         * {@code bytes}, which must be exactly that long: the entry keeps its length, so nothing else moves.
         */
        void overwriteEnv(int index, int at, byte[] bytes) {
            int entry = 4 + argc + index;
            if (index < 0 || entry >= offsets.length) throw new IllegalArgumentException("no environment entry " + index);
            long length = (entry + 1 < offsets.length ? offsets[entry + 1] : memory.byteSize() - stringsAt) - 1 - offsets[entry];
            if (at < 0 || at + bytes.length != length) throw new IllegalArgumentException("not the rest of the entry");
            MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, stringsAt + offsets[entry] + at, bytes.length);
        }

        @Override
        public void close() {
            if (!arena.scope().isAlive()) return;
            try {
                int ignored = (int) FA_DESTROY.invokeExact(actions);
            } catch (Throwable t) {
                throw new IllegalStateException("posix_spawn_file_actions_destroy failed", t);
            } finally {
                arena.close();
            }
        }
    }

    /** Room for a posix_spawn_file_actions_t (80 bytes in glibc; its actions live in glibc's own memory). */
    private static final long ACTIONS_SIZE = 128;

    /** C strings laid end to end, each ending in NUL, and where each starts. */
    private record CStrings(byte[] bytes, long[] offsets) {
        static CStrings of(List<String> texts) {
            byte[][] encoded = new byte[texts.size()][];
            int total = 0;
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = texts.get(i).getBytes(StandardCharsets.UTF_8);
                total += encoded[i].length + 1;
            }
            byte[] bytes = new byte[total]; // zero-filled: the NULs are there already
            long[] offsets = new long[encoded.length];
            for (int i = 0, at = 0; i < encoded.length; at += encoded[i].length + 1, i++) {
                System.arraycopy(encoded[i], 0, bytes, at, encoded[i].length);
                offsets[i] = at;
            }
            return new CStrings(bytes, offsets);
        }
    }

    /**
     * The same for every app, so made once (its 6 calls were measurable on a restart's path): a new
     * session, every signal back to its default disposition and none blocked, whatever the JVM set.
     * Never changed after, so spawns on any thread may share it.
     */
    private static final MemorySegment ATTRIBUTES = attributes(0);
    /** The same, plus a cgroup to be born in, which is set just before each spawn (on the engine thread only). */
    private static final MemorySegment INTO_CGROUP = ATTR_SETCGROUP == null ? null : attributes(POSIX_SPAWN_SETCGROUP);
    private static final MemorySegment DEV_NULL = Arena.global().allocateFrom("/dev/null");

    /** Whether a child can be born in its cgroup, rather than moved there after its exec. */
    static boolean canSpawnIntoCgroup() {
        return INTO_CGROUP != null;
    }

    private static MemorySegment attributes(int moreFlags) {
        try {
            MemorySegment attr = Arena.global().allocate(1024, 16);
            MemorySegment signals = Arena.global().allocate(256, 16);
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attr));
            int ignored = (int) SIGFILLSET.invokeExact(signals);
            check("setsigdefault", (int) ATTR_SIGDEF.invokeExact(attr, signals));
            ignored = (int) SIGEMPTYSET.invokeExact(signals);
            check("setsigmask", (int) ATTR_SIGMASK.invokeExact(attr, signals));
            check("setflags", (int) ATTR_FLAGS.invokeExact(attr,
                    (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | moreFlags)));
            return attr;
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private static void check(String call, int rc) throws Failure {
        if (rc != 0) throw new Failure(call, rc);
    }

    /** A pidfd for the process, or -errno. Close-on-exec by default. */
    static int pidfdOpen(long pid) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            long fd = (long) SYSCALL2.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L);
            return fd >= 0 ? (int) fd : -state.get(INT, ERRNO_OFFSET);
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_open failed", t);
        }
    }

    /** Signals the process the pidfd refers to (never a later process that reused its pid); 0 or errno. */
    static int pidfdSignal(int pidfd, int signal) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            long rc = (long) SYSCALL4.invokeExact(state, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal, 0L, 0L);
            return rc == 0 ? 0 : state.get(INT, ERRNO_OFFSET);
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_send_signal failed", t);
        }
    }

    /**
     * Reaps the child the pidfd refers to. Returns its status as {@code code} (exited) or
     * {@code -signal} (killed), or throws Failure with ECHILD when it is not our child (adopted).
     */
    static int reap(int pidfd, MemorySegment scratch) throws Failure {
        // The caller's scratch memory: an arena per call was a measurable part of a restart's path.
        MemorySegment info = scratch.asSlice(SIGINFO_AT, 128);
        try {
            while (true) {
                int rc = (int) WAITID.invokeExact(scratch, P_PIDFD, pidfd, info, WEXITED);
                if (rc == 0) {
                    int code = info.get(INT, 8);
                    int status = info.get(INT, 24);
                    return code == CLD_EXITED ? status : -status;
                }
                int errno = scratch.get(INT, ERRNO_OFFSET);
                if (errno != EINTR) throw new Failure("waitid", errno);
            }
        } catch (Failure f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("waitid failed", t);
        }
    }

    /** Where {@link #reap} puts the siginfo_t in its scratch memory, after the captured errno. */
    private static final long SIGINFO_AT = 64;

    /** Scratch memory for {@link #reap}: one per thread that reaps, reused from call to call. */
    static MemorySegment reapScratch() {
        return Arena.ofAuto().allocate(SIGINFO_AT + 128, 8);
    }

    static int eventfd() {
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) EVENTFD.invokeExact(state, 0, EFD_CLOEXEC_NONBLOCK);
            if (fd < 0) throw new IllegalStateException("eventfd: " + strerror(state.get(INT, ERRNO_OFFSET)));
            return fd;
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd failed", t);
        }
    }

    /** Adds one to an eventfd (wakes its poller), or drains it. */
    static void eventfdSignal(int fd, boolean drain) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            value.set(ValueLayout.JAVA_LONG, 0, 1L);
            long n = drain ? (long) READ.invokeExact(fd, value, 8L) : (long) WRITE.invokeExact(fd, value, 8L);
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd I/O failed", t);
        }
    }

    /** Lets a thread or process that is ready to run on this CPU have it first. */
    static void yieldCpu() {
        try {
            int ignored = (int) SCHED_YIELD.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("sched_yield failed", t);
        }
    }

    static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close failed", t);
        }
    }
}
