package pm.daemon.http;

import pm.core.ErrorCode;
import pm.core.Json;
import pm.core.PmException;
import pm.core.UtcTime;
import pm.daemon.registry.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The API tokens, kept in {@code $PM_HOME/tokens.json} (0600, replaced whole): each a name, the SHA-256
 * of its secret (the secret itself is shown once, when it is made, and kept nowhere), whether it may only
 * read, and when it was made. The daemon is the file's only writer; {@code pm token} asks it over the socket.
 */
final class Tokens {
    private static final Logger LOG = Logger.getLogger("pm.http");
    /** What the daemon makes at its first start: a full-access token, the one {@code pm dashboard} logs in as. */
    static final String DEFAULT = "default";
    /** Secrets start with this, so a leaked one is easy to recognise (and for secret scanners). */
    static final String PREFIX = "pm_";

    record Token(String name, String sha256, boolean readOnly, long createdMillis) {
        /** As {@code pm token list} shows it: never the hash. */
        Map<String, Object> toJson() {
            var m = new LinkedHashMap<String, Object>();
            m.put("name", name);
            m.put("read_only", readOnly);
            m.put("created", UtcTime.format(createdMillis));
            return m;
        }
    }

    private final Path file;
    private volatile List<Token> tokens = List.of();
    /** Why the file could not be read, or empty: then no token is accepted and none is written over it. */
    private volatile String unreadable = "";

    Tokens(Path file) {
        this.file = file;
    }

    /** Reads the file; makes the default token if there is none yet (the daemon's first start). */
    synchronized void load() {
        try {
            tokens = parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            tokens = List.of();
            create(DEFAULT, false);
        } catch (IOException | RuntimeException e) {
            unreadable = file + " is unreadable (" + e.getMessage() + "): fix it or remove it (pm then makes a new default token)";
            LOG.warning(unreadable + "; no API token is accepted meanwhile");
        }
    }

    private static List<Token> parse(String text) {
        var out = new ArrayList<Token>();
        if (!(Json.parseObject(text).get("tokens") instanceof List<?> list)) throw new IllegalArgumentException("no tokens list");
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || !(m.get("sha256") instanceof String hash))
                throw new IllegalArgumentException("a token without a name or hash");
            long created = m.get("created") instanceof String c ? UtcTime.parse(c) : 0;
            out.add(new Token(name, hash, Boolean.TRUE.equals(m.get("read_only")), created));
        }
        return List.copyOf(out);
    }

    /** Makes a token and returns its secret, which is kept nowhere. */
    synchronized String create(String name, boolean readOnly) {
        checkName(name);
        writable();
        if (named(name) != null)
            throw new PmException(ErrorCode.ALREADY_EXISTS, "a token named '" + name + "' exists: pick another name, or pm token revoke " + name + " first");
        String secret = PREFIX + Secret.make();
        var next = new ArrayList<>(tokens);
        next.add(new Token(name, Secret.hash(secret), readOnly, System.currentTimeMillis()));
        save(next);
        return secret;
    }

    synchronized void revoke(String name) {
        writable();
        if (named(name) == null) throw new PmException(ErrorCode.NOT_FOUND, "no token named '" + name + "'; pm token list shows them");
        var next = new ArrayList<>(tokens);
        next.removeIf(t -> t.name().equals(name));
        save(next);
    }

    List<Token> list() {
        if (!unreadable.isEmpty()) throw new PmException(ErrorCode.STORAGE, unreadable);
        return tokens;
    }

    /** The token with this secret, or null. Every stored hash is compared, each in constant time. */
    Token verify(String secret) {
        if (!secret.startsWith(PREFIX)) return null;
        String hash = Secret.hash(secret);
        Token found = null;
        for (var t : tokens) if (Secret.same(t.sha256(), hash)) found = t;
        return found;
    }

    Token named(String name) {
        for (var t : tokens) if (t.name().equals(name)) return t;
        return null;
    }

    private void writable() {
        if (!unreadable.isEmpty()) throw new PmException(ErrorCode.STORAGE, unreadable);
    }

    private void save(List<Token> next) {
        var list = new ArrayList<Object>();
        for (var t : next) {
            var m = t.toJson();
            m.put("sha256", t.sha256());
            list.add(m);
        }
        try {
            AtomicFile.write(file, (Json.write(Map.of("tokens", list)) + "\n").getBytes(StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new PmException(ErrorCode.STORAGE, "cannot write " + file + ": " + e.getMessage());
        }
        tokens = List.copyOf(next);
    }

    /** Letters, digits, '-', '_' and '.', at most 64: a token's name shows up in logs and lists. */
    static void checkName(String name) {
        boolean ok = !name.isEmpty() && name.length() <= 64 && name.charAt(0) != '-';
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        }
        if (!ok) throw PmException.invalid("bad token name '" + name + "': use letters, digits, '-', '_' and '.', at most 64");
    }
}
