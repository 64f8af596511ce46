package pm.core;

import java.time.Duration;

/**
 * How a health check is run: every {@code interval}, each probe given {@code timeout}; the process is
 * unhealthy after {@code retries} failures in a row; failures in the first {@code startPeriod} after a
 * start do not count (the app may still be booting). Defaults as in process-compose and Kubernetes.
 */
public record HealthSettings(Duration interval, Duration timeout, int retries, Duration startPeriod) {
    public static final HealthSettings DEFAULT = new HealthSettings((Duration) Field.HEALTH_INTERVAL.defaultValue(),
            (Duration) Field.HEALTH_TIMEOUT.defaultValue(), (Integer) Field.HEALTH_RETRIES.defaultValue(),
            (Duration) Field.HEALTH_START_PERIOD.defaultValue());
    /** While a process is starting, it is probed this often, so a fast app is running within moments. */
    public static final Duration STARTING_INTERVAL = Duration.ofMillis(250);

    public HealthSettings {
        if (interval == null || interval.toMillis() < 10) throw PmException.invalid("--health-interval must be at least 10ms");
        if (timeout == null || timeout.toMillis() < 1) throw PmException.invalid("--health-timeout must be at least 1ms");
        if (retries < 1) throw PmException.invalid("--health-retries must be 1 or more");
        if (startPeriod == null || startPeriod.isNegative()) throw PmException.invalid("bad --health-start-period");
    }
}
