package pm.daemon.http;

import pm.core.PmException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where the HTTP side listens, from {@code PM_HTTP_LISTEN}: {@code ADDR:PORT} ({@code 127.0.0.1:9615},
 * {@code [::1]:9615}, {@code localhost:9615}; port 0 takes a free one) or {@code off}. The address must be
 * an IP literal or {@code localhost}: a name would need DNS at every start. {@code address} is null when off.
 */
record Listen(InetSocketAddress address) {
    static final String DEFAULT = "127.0.0.1:9615";

    static Listen fromEnvironment() {
        String value = System.getenv("PM_HTTP_LISTEN");
        return parse(value == null || value.isBlank() ? DEFAULT : value.strip());
    }

    static Listen parse(String value) {
        if (value.equals("off")) return new Listen(null);
        int colon = value.lastIndexOf(':');
        if (colon <= 0) throw bad(value, "no address and port");
        String host = value.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw bad(value, "the port is not a number");
        }
        if (port < 0 || port > 65535) throw bad(value, "the port must be 0 to 65535");
        InetAddress address;
        if (host.equals("localhost")) {
            address = InetAddress.getLoopbackAddress();
        } else {
            boolean bracketed = host.startsWith("[") && host.endsWith("]");
            try {
                address = InetAddress.ofLiteral(bracketed ? host.substring(1, host.length() - 1) : host);
            } catch (IllegalArgumentException e) {
                throw bad(value, "'" + host + "' is not an IP address (a name would need DNS)");
            }
            if (address instanceof Inet6Address && !bracketed) throw bad(value, "write an IPv6 address in brackets: [" + host + "]:" + port);
        }
        return new Listen(new InetSocketAddress(address, port));
    }

    private static PmException bad(String value, String why) {
        return PmException.invalid("PM_HTTP_LISTEN=" + value + ": " + why + "; use ADDR:PORT (" + DEFAULT + ") or off");
    }

    boolean off() {
        return address == null;
    }

    /** {@code 127.0.0.1:9615} or {@code [::1]:9615}, as a Host header names it. */
    static String hostPort(InetAddress address, int port) {
        String host = address instanceof Inet6Address && address.isLoopbackAddress() ? "::1" : address.getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) host = host.substring(0, zone);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
