package pm.core;

import java.net.URI;

/** What a health check asks: an HTTP URL that must answer 2xx or 3xx, a TCP port that must accept, or a command that must exit 0. */
public sealed interface Probe {
    record Http(URI uri) implements Probe {}

    record Tcp(String host, int port) implements Probe {}

    record Command(String command) implements Probe {}

    /**
     * Reads {@code --health-check}: a path such as {@code /health} (probed on 127.0.0.1 at the
     * process's port), an {@code http://} or {@code https://} URL, {@code tcp://HOST:PORT}, or
     * {@code cmd:COMMAND} (run with {@code sh -c} in the process's folder).
     */
    static Probe parse(String check, int port) {
        try {
            return read(check, port, "--port");
        } catch (IllegalArgumentException e) {
            throw PmException.invalid("--health-check " + e.getMessage());
        }
    }

    /**
     * What is wrong with a health check, beginning with the check itself, or empty if nothing;
     * {@code portName} is how the caller names the port it needs ({@code --port}, {@code port}).
     */
    static String problem(String check, int port, String portName) {
        try {
            read(check, port, portName);
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Probe read(String check, int port, String portName) {
        if (check.startsWith("cmd:")) {
            String command = check.substring(4).strip();
            if (command.isEmpty()) throw new IllegalArgumentException("'" + check + "' needs a command, such as cmd:pg_isready");
            return new Command(command);
        }
        if (check.startsWith("/")) {
            if (port == 0) throw new IllegalArgumentException("'" + check + "' needs " + portName + ", or give a full URL");
            return new Http(uri("http://127.0.0.1:" + port + check, check));
        }
        if (check.startsWith("http://") || check.startsWith("https://")) return new Http(uri(check, check));
        if (check.startsWith("tcp://")) {
            URI u = uri(check, check);
            if (u.getHost() == null || u.getPort() < 1) throw new IllegalArgumentException("'" + check + "' is not tcp://HOST:PORT");
            return new Tcp(u.getHost(), u.getPort());
        }
        throw new IllegalArgumentException("'" + check
                + "' is not a health check: give a path such as /health, an http:// URL, tcp://HOST:PORT or cmd:COMMAND");
    }

    private static URI uri(String text, String check) {
        try {
            URI u = URI.create(text);
            if (u.getHost() == null) throw new IllegalArgumentException("no host");
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + check + "' is not a URL pm can probe: " + e.getMessage());
        }
    }

    default String describe() {
        return switch (this) {
            case Http h -> h.uri().toString();
            case Tcp t -> "tcp://" + t.host() + ":" + t.port();
            case Command c -> "cmd:" + c.command();
        };
    }
}
