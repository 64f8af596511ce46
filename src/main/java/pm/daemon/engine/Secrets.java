package pm.daemon.engine;

import java.io.FileInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Per-run heartbeat secrets: 128 random bits, hex. Read from the kernel's generator, {@code /dev/urandom},
 * which is what {@link SecureRandom} reads on Linux too; going through it first loads the security
 * provider framework and SHA-1, about 60 classes the daemon would keep in metaspace for good. Where the
 * device cannot be read, SecureRandom it is.
 */
final class Secrets {
    private Secrets() {}

    static String next() {
        byte[] bytes = new byte[16];
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
