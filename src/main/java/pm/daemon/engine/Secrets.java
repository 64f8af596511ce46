package pm.daemon.engine;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Per-run heartbeat secrets: 128 random bits, hex. */
final class Secrets {
    private Secrets() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
