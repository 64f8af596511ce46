package pm.daemon.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Files served from inside pm's jar: the dashboard's page and assets (resources under {@code pm/dashboard/},
 * {@code /} being its {@code index.html}) and the OpenAPI document. Nothing is read from disk, and no path
 * can leave that folder.
 */
final class Assets {
    static final String DASHBOARD = "/pm/dashboard";
    static final String OPENAPI = "/pm/daemon/http/openapi.json";
    /** What the browser may load on a dashboard page: this daemon's own scripts, styles and images only. */
    static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private Assets() {}

    /** A dashboard file, or null if there is none at that path. */
    static byte[] dashboard(String path) throws IOException {
        if (path.equals("/")) path = "/index.html";
        if (path.contains("..") || path.contains("//") || path.contains("\\")) return null;
        return read(DASHBOARD + path);
    }

    static byte[] read(String resource) throws IOException {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The content type of a file by its extension. */
    static String type(String path) {
        if (path.equals("/")) return "text/html";
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1);
        return switch (ext) {
            case "html" -> "text/html";
            case "js", "mjs" -> "text/javascript";
            case "css" -> "text/css";
            case "json", "map" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            case "txt" -> "text/plain";
            default -> "application/octet-stream";
        };
    }

    /** The page a browser gets without a session: how to get one. */
    static byte[] loginHint(String why) {
        return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pm: log in</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body><h1>pm</h1>\n"
                + "<p>" + escape(why) + "</p>\n<p>Run <code>pm dashboard</code> on the machine pm runs on and open the link it prints.</p>\n"
                + "</body></html>\n").getBytes(StandardCharsets.UTF_8);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
