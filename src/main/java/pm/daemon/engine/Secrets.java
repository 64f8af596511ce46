package pm.daemon.engine;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Per-run heartbeat secrets: 128 random bits, hex. One is made ahead ({@link #prepare}, after a spawn),
 * because making one took 0.1 ms on the path of a restart. Engine thread only.
 */
final class Secrets {
    private Secrets() {}

    private static final SecureRandom RANDOM = new SecureRandom();
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
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
