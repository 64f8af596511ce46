package pm.daemon.controller;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.SocketAddress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static pm.daemon.controller.Posix.ERRNO;
import static pm.daemon.controller.Posix.ERRNO_OFFSET;
import static pm.daemon.controller.Posix.INT;
import static pm.daemon.controller.Posix.ADDR;
import static pm.daemon.controller.Posix.LINKER;

/**
 * The listening sockets pm holds for apps ({@code --socket}), by address: opened once, passed to every
 * run, and kept open across the apps' restarts, so a connection that comes while no copy runs waits in
 * the socket's queue instead of being refused. A new daemon takes a socket back from a live copy of its
 * app ({@code pidfd_getfd}), which holds it as fd 3 and up. By hand through FFM: the JDK's channels do
 * not give their descriptor, nor take one from another process. Engine thread only.
 */
final class Sockets {
    private static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    private static final int SOCK_STREAM_CLOEXEC = 1 | 0x80000;
    private static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_ACCEPTCONN = 30;
    private static final int F_DUPFD_CLOEXEC = 1030;
    /** Held sockets are moved to 100 and up, clear of the 3, 4, ... they are given as in a child. */
    private static final int HIGH_FD = 100;
    /** File types in st_mode, as the JDK's unix:mode attribute gives it. */
    private static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000, S_IFDIR = 0040000;
    private static final int EADDRINUSE = 98, EACCES = 13, EADDRNOTAVAIL = 99, ECONNREFUSED = 111, ENOENT = 2;
    private static final long SYS_PIDFD_GETFD = 438;

    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = fn("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, INT));
    private static final MethodHandle GETSOCKOPT = fn("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, ADDR));
    private static final MethodHandle BIND = fn("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle CONNECT = fn("connect", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle LISTEN = fn("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle GETSOCKNAME = fn("getsockname", FunctionDescriptor.of(INT, INT, ADDR, ADDR));
    private static final MethodHandle FCNTL = fn("fcntl", FunctionDescriptor.of(INT, INT, INT, INT), true);
    private static final MethodHandle UNLINK = fn("unlink", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(Posix.find("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG), ERRNO, java.lang.foreign.Linker.Option.firstVariadicArg(1));

    private static MethodHandle fn(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(Posix.find(name), fd, ERRNO);
    }

    /** A function whose arguments from the third on are variadic (fcntl). */
    private static MethodHandle fn(String name, FunctionDescriptor fd, boolean variadic) {
        return LINKER.downcallHandle(Posix.find(name), fd, ERRNO, java.lang.foreign.Linker.Option.firstVariadicArg(2));
    }

    private final Map<String, Integer> held = new HashMap<>();

    /** The descriptors of these addresses, in order; each must be held. */
    List<Integer> fds(List<String> addresses) {
        var out = new ArrayList<Integer>(addresses.size());
        for (String a : addresses) {
            Integer fd = held.get(a);
            if (fd == null) throw new IllegalStateException(a + " is not held");
            out.add(fd);
        }
        return out;
    }

    /**
     * Holds every address not held yet: taken from one of {@code pids} (live copies of the app, holding
     * address k as fd 3+k) where one still has it, else opened. Throws with one line for an address that is
     * in use or not allowed; those held before stay held.
     */
    void hold(List<String> addresses, List<Long> pids) {
        for (int k = 0; k < addresses.size(); k++) {
            String text = addresses.get(k);
            if (held.containsKey(text)) continue;
            var address = SocketAddress.parse(text);
            int fd = -1;
            for (long pid : pids) if ((fd = takeFrom(pid, 3 + k, address)) >= 0) break;
            held.put(text, fd >= 0 ? fd : open(text, address));
        }
    }

    /** Closes the sockets no app names any more. */
    void keepOnly(Set<String> used) {
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (used.contains(e.getKey())) continue;
            Posix.close(e.getValue());
            if (e.getKey().startsWith("unix:")) unlink(e.getKey().substring(5));
            it.remove();
        }
    }

    private static int open(String text, SocketAddress address) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
            int family = address.unix() ? AF_UNIX : InetAddress.getByName(address.host()).getAddress().length == 4 ? AF_INET : AF_INET6;
            var sockaddr = sockaddr(arena, address, family);
            int fd = (int) SOCKET.invokeExact(state, family, SOCK_STREAM_CLOEXEC, 0);
            if (fd < 0) throw failed(text, "socket", errno(state));
            try {
                var one = arena.allocateFrom(INT, 1);
                if (!address.unix()) {
                    int ignored = (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_REUSEADDR, one, 4);
                }
                int rc = (int) BIND.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize());
                if (rc != 0 && address.unix() && errno(state) == EADDRINUSE) {
                    // Only a socket file no one listens on (left by a daemon killed with SIGKILL) is taken over:
                    // a file, a folder or a link there is someone's, and stays.
                    String other = notASocket(address.path());
                    if (other != null)
                        throw PmException.invalid("--socket " + text + ": " + other + " is there, not a socket; pm replaces only a socket file: move it or pick another path");
                    if (!stale(arena, sockaddr)) throw failed(text, "bind", EADDRINUSE);
                    unlink(address.path());
                    rc = (int) BIND.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize());
                }
                if (rc != 0) throw failed(text, "bind", errno(state));
                if ((int) LISTEN.invokeExact(state, fd, 4096) != 0) throw failed(text, "listen", errno(state));
                int high = (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, HIGH_FD);
                if (high < 0) throw failed(text, "fcntl", errno(state));
                return high;
            } finally {
                Posix.close(fd);
            }
        } catch (PmException e) {
            throw e;
        } catch (Throwable t) {
            throw new PmException(ErrorCode.INTERNAL, "--socket " + text + ": " + t);
        }
    }

    /** What is at {@code path} when it is not a socket file ("a file", "a folder", "a symbolic link", ...); null for a socket. */
    static String notASocket(String path) {
        try {
            int mode = (Integer) Files.getAttribute(Path.of(path), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & S_IFMT) {
                case S_IFSOCK -> null;
                case S_IFREG -> "a file";
                case S_IFDIR -> "a folder";
                case S_IFLNK -> "a symbolic link";
                default -> "a special file";
            };
        } catch (IOException | RuntimeException e) {
            return "something pm cannot look at (" + e.getMessage() + ")";
        }
    }

    /** Whether nothing listens on this Unix socket path (a connect is refused). */
    private static boolean stale(Arena arena, MemorySegment sockaddr) throws Throwable {
        var state = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
        int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_STREAM_CLOEXEC, 0);
        if (fd < 0) return false;
        try {
            int rc = (int) CONNECT.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize());
            return rc != 0 && errno(state) == ECONNREFUSED;
        } finally {
            Posix.close(fd);
        }
    }

    /** The app's fd {@code target}, if it is a listening socket on this address; else -1. */
    private static int takeFrom(long pid, int target, SocketAddress address) {
        int pidfd = Posix.pidfdOpen(pid);
        if (pidfd < 0) return -1;
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
            long fd = (long) SYSCALL3.invokeExact(state, SYS_PIDFD_GETFD, (long) pidfd, (long) target, 0L);
            if (fd < 0) return -1;
            int got = (int) fd;
            if (!listensOn(arena, got, address)) {
                Posix.close(got);
                return -1;
            }
            int high = (int) FCNTL.invokeExact(state, got, F_DUPFD_CLOEXEC, HIGH_FD);
            Posix.close(got);
            return high;
        } catch (Throwable t) {
            return -1;
        } finally {
            Posix.close(pidfd);
        }
    }

    private static boolean listensOn(Arena arena, int fd, SocketAddress address) throws Throwable {
        var state = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
        var value = arena.allocate(INT);
        var length = arena.allocateFrom(INT, 4);
        if ((int) GETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_ACCEPTCONN, value, length) != 0 || value.get(INT, 0) != 1) return false;
        var name = arena.allocate(128);
        var nameLength = arena.allocateFrom(INT, 128);
        if ((int) GETSOCKNAME.invokeExact(state, fd, name, nameLength) != 0) return false;
        int family = Short.toUnsignedInt(name.get(ValueLayout.JAVA_SHORT, 0));
        if (address.unix()) return family == AF_UNIX && name.asSlice(2).getString(0).equals(address.path());
        int port = Short.toUnsignedInt(Short.reverseBytes(name.get(ValueLayout.JAVA_SHORT, 2)));
        return (family == AF_INET || family == AF_INET6) && port == address.port();
    }

    private static MemorySegment sockaddr(Arena arena, SocketAddress address, int family) throws Exception {
        if (family == AF_UNIX) {
            var s = arena.allocate(110);
            s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            byte[] path = address.path().getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, 2, path.length);
            return s;
        }
        byte[] ip = InetAddress.getByName(address.host()).getAddress();
        var s = arena.allocate(family == AF_INET ? 16 : 28);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) family);
        s.set(ValueLayout.JAVA_SHORT, 2, Short.reverseBytes((short) address.port())); // network byte order
        MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, family == AF_INET ? 4 : 8, ip.length);
        return s;
    }

    private static PmException failed(String text, String call, int errno) {
        String why = switch (errno) {
            case EADDRINUSE -> "the address is in use (another program listens there); free it or pick another";
            case EACCES -> "not allowed (ports below 1024 need root; a socket file needs a folder pm may write)";
            case EADDRNOTAVAIL -> "no interface of this machine has that address";
            case ENOENT -> "its folder does not exist";
            default -> call + ": " + Posix.strerror(errno);
        };
        return PmException.invalid("--socket " + text + ": " + why);
    }

    private static int errno(MemorySegment state) {
        return state.get(INT, ERRNO_OFFSET);
    }

    private static void unlink(String path) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
            int ignored = (int) UNLINK.invokeExact(state, arena.allocateFrom(path));
        } catch (Throwable t) {
            // Left behind: the next bind finds it stale and removes it.
        }
    }

}
