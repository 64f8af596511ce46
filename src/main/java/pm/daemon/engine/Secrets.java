package pm.daemon.engine;

import pm.daemon.controller.Launcher;

import java.io.FileInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Per-run heartbeat secrets: 128 random bits, hex. Read from the kernel's generator, {@code /dev/urandom},
 * which is what {@link SecureRandom} reads on Linux too; going through it first loads the security
 * provider framework and SHA-1, about 60 classes the daemon would keep in metaspace for good. Where the
 * device cannot be read, SecureRandom it is. One is made ahead ({@link #prepare}, when the engine writes
 * the run file, not as an app starts), because making one took 0.1 ms on the path of a restart. Engine
 * thread only.
 */
final class Secrets {
    private Secrets() {}

    private static String ready;

    static String next() {
        String secret = ready != null ? ready : make();
        ready = null;
        return secret;
    }

    static void prepare() {
        if (ready == null) ready = make();
    }

    private static String make() {
        byte[] bytes = new byte[Launcher.SECRET_LENGTH / 2]; // two hex digits a byte
        try (var urandom = new FileInputStream("/dev/urandom")) {
            if (urandom.readNBytes(bytes, 0, bytes.length) != bytes.length) throw new IOException("short read");
        } catch (IOException e) {
            Fallback.RANDOM.nextBytes(bytes);
        }
        return HexFormat.of().formatHex(bytes);
    }

    /** Created on first use only. */
    private static final class Fallback {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
