package pm.core;

/**
 * A listening socket pm opens for an app ({@code --socket}): {@code tcp://HOST:PORT} (an IPv4 address or
 * {@code localhost}; IPv6 in brackets) or {@code unix:PATH} (an absolute path).
 */
public record SocketAddress(boolean unix, String host, int port, String path) {
    /** Parses an address checked by {@link #problem}. */
    public static SocketAddress parse(String text) {
        String problem = problem(text);
        if (!problem.isEmpty()) throw PmException.invalid("--socket " + problem);
        if (text.startsWith("unix:")) return new SocketAddress(true, "", 0, text.substring(5));
        String rest = text.substring("tcp://".length());
        int colon = rest.lastIndexOf(':');
        String host = rest.substring(0, colon);
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        return new SocketAddress(false, host.equals("localhost") ? "127.0.0.1" : host, Integer.parseInt(rest.substring(colon + 1)), "");
    }

    /** What is wrong with an address, beginning with it; empty if nothing. */
    public static String problem(String text) {
        String how = ": write tcp://HOST:PORT (such as tcp://127.0.0.1:8080) or unix:/ABSOLUTE/PATH";
        if (text.startsWith("unix:")) {
            String path = text.substring(5);
            if (!path.startsWith("/")) return "'" + ProcessSpec.printable(text) + "' needs an absolute path" + how;
            if (path.length() > 107) return "'" + path + "' is longer than a socket path may be (107 bytes)";
            if (path.indexOf('\0') >= 0) return "'" + ProcessSpec.printable(text) + "' holds a NUL character";
            return "";
        }
        if (!text.startsWith("tcp://")) return "'" + ProcessSpec.printable(text) + "' is not a socket address" + how;
        String rest = text.substring(6);
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) return "'" + ProcessSpec.printable(text) + "' has no host and port" + how;
        String host = rest.substring(0, colon), port = rest.substring(colon + 1);
        boolean digits = !port.isEmpty() && port.length() <= 5;
        for (int i = 0; i < port.length(); i++) digits &= port.charAt(i) >= '0' && port.charAt(i) <= '9';
        if (!digits || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)
            return "'" + ProcessSpec.printable(text) + "' has no port from 1 to 65535" + how;
        if (!host.equals("localhost") && !ipv4(host) && !(host.startsWith("[") && host.endsWith("]") && host.length() > 2))
            return "'" + ProcessSpec.printable(text) + "': the host must be an IP address or localhost" + how;
        return "";
    }

    private static boolean ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) return false;
            for (int i = 0; i < p.length(); i++) if (p.charAt(i) < '0' || p.charAt(i) > '9') return false;
            if (Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    /** The name an app sees for it in LISTEN_FDNAMES (where ':' separates names): tcp-8080, or the socket file's name. */
    public String fdName() {
        return unix ? path.substring(path.lastIndexOf('/') + 1).replace(':', '-') : "tcp-" + port;
    }
}
