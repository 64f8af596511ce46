package pm.core;

/** pm's version, which {@code pm --version} prints and {@code /metrics} reports; kept in step with pom.xml's. */
public final class Release {
    private Release() {}

    public static final String VERSION = "0.1.0";
}
