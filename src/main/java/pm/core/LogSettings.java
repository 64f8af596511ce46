package pm.core;

/**
 * Size-based log rotation: when NAME.out.log or NAME.err.log grows past {@code maxSize} bytes it is
 * rotated, keeping {@code keep} old files (NAME.out.log.1 is the newest). A {@code maxSize} of 0 never
 * rotates. Defaults as supervisord's (50 MB, 10 old files).
 */
public record LogSettings(long maxSize, int keep) {
    public static final LogSettings DEFAULT =
            new LogSettings((Long) Field.MAX_LOG_SIZE.defaultValue(), (Integer) Field.LOG_FILES.defaultValue());

    public LogSettings {
        if (maxSize != 0 && maxSize < 4096 * 2) throw PmException.invalid("--max-log-size must be 0 (never rotate) or at least 8K");
        if (keep < 1 || keep > 1000) throw PmException.invalid("--log-files must be from 1 to 1000");
    }
}
