package pm.daemon.http;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Secrets of the HTTP side (API tokens, login codes, session cookies): 256 random bits from the
 * kernel, base64url; only their SHA-256 is ever kept, and hashes are compared in constant time.
 */
final class Secret {
    private Secret() {}

    /** 256 random bits, URL-safe text (43 characters). */
    static String make() {
        byte[] bytes = new byte[32];
        // The kernel's generator, as SecureRandom reads it on Linux, without its provider framework.
        try (var urandom = new FileInputStream("/dev/urandom")) {
            if (urandom.readNBytes(bytes, 0, bytes.length) != bytes.length) throw new IOException("short read from /dev/urandom");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the text, hex. */
    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this Java runtime", e);
        }
    }

    /** Whether two hashes are equal, in time that does not depend on where they differ. */
    static boolean same(String hash, String other) {
        return MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), other.getBytes(StandardCharsets.US_ASCII));
    }
}
