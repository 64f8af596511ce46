package pm.daemon.http;

import java.util.concurrent.Executor;

/**
 * Runs each exchange on a virtual thread of its own, never the engine's. The JDK's server hands a
 * connection to its executor as soon as it turns readable, and the request line and headers are read
 * there, blocking: on a fixed pool, a few clients that send half a request (or actions that wait for an
 * app's kill timeout) would hold every thread and starve the rest. A virtual thread that blocks on its
 * socket or on the engine's reply holds no carrier thread, so a slow or stuck client holds up only itself.
 * The bound is the server's: at most {@code jdk.httpserver.maxConnections} connections, one exchange
 * each, and a request line and headers must arrive within {@code sun.net.httpserver.maxReqTime}. Nothing
 * is made before the first request, and the carriers end when idle.
 */
final class Workers implements Executor {
    @Override
    public void execute(Runnable task) {
        Thread.ofVirtual().name("pm-http").start(task);
    }
}
