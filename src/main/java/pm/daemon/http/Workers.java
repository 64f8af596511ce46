package pm.daemon.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that handle requests, never the engine's: at most {@link #THREADS} at once, then up to
 * {@link #QUEUED} waiting, then refused (the JDK's server closes the connection). Made at the first
 * request, and idle threads end after a few seconds: a daemon nobody asks keeps none. Long-lived streams
 * (events, log follows) leave these threads for threads of their own.
 */
final class Workers implements Executor {
    static final int THREADS = 16, QUEUED = 64;
    private volatile ThreadPoolExecutor pool;

    @Override
    public void execute(Runnable task) {
        var p = pool;
        if (p == null) p = start();
        p.execute(task);
    }

    private synchronized ThreadPoolExecutor start() {
        if (pool == null) {
            var p = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
                    r -> Thread.ofPlatform().name("pm-http").daemon().unstarted(r));
            p.allowCoreThreadTimeOut(true);
            pool = p;
        }
        return pool;
    }
}
