package pm.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The install bundle (dist/bundle.sh, built by mvn package): the tarball and the .deb, each unpacked and
 * run with no other Java reachable, from the PATH as a user would; the daemon runs on the bundled runtime.
 */
class BundleIT {
    static final Path TARGET = Pm.ROOT.resolve("target");
    static String version;

    @BeforeAll
    static void built() throws IOException {
        assumeTrue(System.getProperty("pm.bundle.skip") == null, "built with -Dpm.bundle.skip");
        // dist/bundle.sh stages exactly one pm-VERSION folder here.
        try (var staged = Files.list(TARGET.resolve("bundle"))) {
            version = staged.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pm-")).findFirst()
                    .orElseThrow().substring("pm-".length());
        }
    }

    static Path tarball() {
        return TARGET.resolve("pm-" + version + "-linux-x64.tar.gz");
    }

    static Path deb() {
        return TARGET.resolve("pm_" + version + "_amd64.deb");
    }

    @Test
    void theTarballRunsOnItsOwnRuntime() {
        try (var u = new Unpacked("pm-tgz-")) {
            Unpacked.tool("tar", "-C", u.dir.toString(), "-xzf", tarball().toString());
            Path root = u.dir.resolve("pm-" + version);
            // The schema a pm.yaml names and pm export's header points at, and the docs the README links to.
            assertThat(root.resolve("docs/pm.schema.json")).isRegularFile();
            assertThat(root.resolve("docs/config.md")).isRegularFile();
            // As its user would: the unpacked folder on the PATH.
            demoSaysWhatIsMissing(u, root, u.path(root));
            manageAnApp(u, root, u.path(root));
        }
    }

    @Test
    void theDebRunsOnItsOwnRuntime() throws IOException {
        try (var u = new Unpacked("pm-deb-")) {
            Unpacked.tool("dpkg-deb", "-x", deb().toString(), u.dir.toString());
            Path root = u.dir.resolve("opt/pm");
            // The link the package's postinst makes as /usr/bin/pm (checked below), in a folder of its own.
            Path usrBin = Files.createDirectory(u.dir.resolve("usr-bin"));
            Files.createSymbolicLink(usrBin.resolve("pm"), root.resolve("pm"));
            manageAnApp(u, root, u.path(usrBin));
        }
    }

    @Test
    void theDebSaysWhatItIsAndPutsPmOnThePath() throws IOException {
        String deb = deb().toString();
        assertThat(field(deb, "Package")).isEqualTo("pm");
        assertThat(field(deb, "Version")).isEqualTo(version);
        assertThat(field(deb, "Architecture")).isEqualTo("amd64");
        assertThat(field(deb, "Depends")).contains("libc6");
        assertThat(field(deb, "Maintainer")).as("NAME <EMAIL>").matches("[^<>]+ <[^<>@ ]+@[^<>@ ]+\\.[a-z]+>").doesNotContain("Unknown");
        assertThat(Unpacked.tool("dpkg-deb", "-I", deb)).contains("postinst", "prerm");
        assertThat(Unpacked.tool("dpkg-deb", "-c", deb))
                .contains("./opt/pm/pm\n", "./opt/pm/lib/pm.jar\n", "./opt/pm/lib/pm.aot\n", "./opt/pm/lib/jline-terminal.jar\n", "./opt/pm/runtime/bin/java\n",
                        "./opt/pm/clients/python/process_manager/core/heartbeat.py\n", "./opt/pm/clients/java/pm-heartbeat.jar\n");

        // The maintainer scripts, run for real into a root of their own (update-alternatives reads DPKG_ROOT).
        try (var u = new Unpacked("pm-debctl-")) {
            Unpacked.tool("dpkg-deb", "-x", deb, u.dir.toString());
            Unpacked.tool("dpkg-deb", "-e", deb, u.dir.resolve("DEBIAN").toString());
            for (String dir : List.of("var/lib/dpkg/alternatives", "etc/alternatives", "usr/bin"))
                Files.createDirectories(u.dir.resolve(dir));
            Path link = u.dir.resolve("usr/bin/pm");
            var inRoot = Map.of("DPKG_ROOT", u.dir.toString());

            assertThat(u.run(u.path(null), inRoot, List.of("/bin/sh", "DEBIAN/postinst", "configure")).code()).isZero();
            assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/etc/alternatives/pm"));
            assertThat(Files.readSymbolicLink(u.dir.resolve("etc/alternatives/pm"))).isEqualTo(Path.of("/opt/pm/pm"));
            assertThat(u.run(u.path(null), inRoot, List.of("/bin/sh", "DEBIAN/prerm", "upgrade", version)).code()).isZero();
            assertThat(link).as("an upgrade keeps pm on the PATH").isSymbolicLink();
            assertThat(u.run(u.path(null), inRoot, List.of("/bin/sh", "DEBIAN/prerm", "remove")).code()).isZero();
            assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).as("removed with the package").isFalse();
        }
    }

    @Test
    void theRuntimeHoldsTheModulesPmUsesAndTheHttpServer() throws IOException {
        String release = Unpacked.tool("tar", "-xzOf", tarball().toString(), "pm-" + version + "/runtime/release");
        String line = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        List<String> bundled = List.of(line.substring("MODULES=\"".length(), line.length() - 1).split(" "));

        // With pm top's library (JLine), less its JNI provider, which pm leaves out (the FFM one needs no native code).
        String library;
        try (var jars = Files.list(TARGET.resolve("lib"))) {
            library = String.join(":", jars.map(Path::toString).sorted().toList());
        }
        var out = new StringWriter();
        int code = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out),
                "--multi-release", "25", "--ignore-missing-deps", "--print-module-deps",
                "--class-path", library, TARGET.resolve("pm.jar").toString());
        assertThat(code).as(out.toString()).isZero();
        // --ignore-missing-deps: the Prometheus library names annotations it does not need at run time.
        var wanted = new ArrayList<>(List.of(out.toString().strip().split(",")));
                // JLine's terminal graphics (images) alone use java.desktop; pm top never loads them (it runs on the bundle).
        assertThat(wanted.remove("java.desktop")).as("jdeps names java.desktop, for JLine's images").isTrue();
        assertThat(bundled).as("the modules pm.jar uses, and the HTTP server; no others").containsExactlyInAnyOrderElementsOf(wanted);
    }

    private static String field(String deb, String name) {
        return Unpacked.tool("dpkg-deb", "-f", deb, name).strip();
    }

    /** register, start, status, stop and kill through the bundle's pm, found on the given PATH. */
    private static void manageAnApp(Unpacked u, Path root, String path) {
        // The proof that no other Java (nor Maven) is within reach of these commands.
        var which = u.run(path, Map.of(), List.of("/bin/sh", "-c", "command -v java; command -v mvn; command -v pm"));
        assertThat(which.out()).isEqualTo(path.split(":")[0] + "/pm\n");
        try {
            // -XX:AOTMode=on: the JVM refuses to start unless it can use the AOT cache, which only the
            // runtime that made it can: so the client ran on the bundled runtime, with its cache.
            var version = pm(u, path, Map.of("JDK_JAVA_OPTIONS", "-XX:AOTMode=on"), "--version");
            assertThat(version.code()).as(version.toString()).isZero();
            assertThat(version.out()).isEqualTo("pm " + BundleIT.version + "\n");

            ok(u, path, "register", "/bin/sleep", "--name", "nap", "--type", "binary", "--", "600");
            ok(u, path, "start", "nap");
            var status = pm(u, path, Map.of(), "status");
            assertThat(status.out()).contains("nap").contains("running");
            assertThat(status.err()).as("no warning from the JVM (a cache it cannot use)").isEmpty();
            long app = pid(u, path);
            assertThat(Pm.alive(app)).isTrue();

            long daemon = Long.parseLong(Files.readString(u.home.resolve("daemon.pid")).strip());
            assertThat(Path.of("/proc/" + daemon + "/exe").toRealPath())
                    .as("the daemon's JVM").isEqualTo(root.resolve("runtime/bin/java").toRealPath());

            topRuns(u, path);

            assertThat(ok(u, path, "stop", "nap")).contains("nap: stopped");
            assertThat(Pm.alive(app)).isFalse();
            assertThat(ok(u, path, "kill")).contains("the daemon");
            Pm.await("the daemon gone", Pm.seconds(10), () -> !Pm.alive(daemon));
            assertThat(root.resolve("target")).as("nothing was built").doesNotExist();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            pm(u, path, Map.of(), "kill");
        }
    }

    /**
     * pm top on the bundled runtime, in a real terminal: its library is in lib/, and the runtime lacks
     * java.desktop, which only JLine's terminal graphics use.
     */
    private static void topRuns(Unpacked u, String path) {
        if (!Tmux.installed()) return;
        try (var t = new Tmux(80, 20, Map.of("PATH", path, "PM_HOME", u.home.toString()))) {
            t.type("pm top; echo status=$?");
            String screen = t.awaitScreen("pm top's table", s -> s.contains("pm top  1 app, 1 running") && s.contains("nap"));
            System.out.println(Tmux.framed("pm top from the bundle", screen));
            t.keys("q");
            t.awaitScreen("its exit status", s -> s.lines().anyMatch(l -> l.equals("status=0")));
            assertThat(t.pane("#{alternate_on}")).isEqualTo("0");
        }
    }

    /** A bundle has no sample apps: pm demo says so in one line, before it starts a daemon or installs anything. */
    private static void demoSaysWhatIsMissing(Unpacked u, Path root, String path) {
        var demo = pm(u, path, Map.of(), "demo");
        assertThat(demo.code()).as(demo.toString()).isEqualTo(1);
        assertThat(demo.out()).isEmpty();
        assertThat(demo.err()).startsWith("pm: pm demo runs the sample apps of pm's source checkout, and this install (" + root + ") has none; ")
                .contains("clone pm's repository").doesNotContain("unexpected").hasLineCount(1);
        assertThat(u.home.resolve("daemon.pid")).as("no daemon started").doesNotExist();
        assertThat(root.resolve("sample_apps")).doesNotExist();
    }

    @SuppressWarnings("unchecked")
    private static long pid(Unpacked u, String path) {
        var all = (List<Map<String, Object>>) Json.parseObject(ok(u, path, "status", "--json")).get("processes");
        return ((Number) all.getFirst().get("pid")).longValue();
    }

    private static String ok(Unpacked u, String path, String... args) {
        var r = pm(u, path, Map.of(), args);
        assertThat(r.code()).as("pm " + String.join(" ", args) + ": " + r).isZero();
        return r.out();
    }

    /** pm as found on the PATH by a shell (ProcessBuilder would search the test's own PATH). */
    private static Pm.Result pm(Unpacked u, String path, Map<String, String> env, String... args) {
        var cmd = new ArrayList<>(List.of("/bin/sh", "-c", "exec pm \"$@\"", "pm"));
        cmd.addAll(List.of(args));
        return u.run(path, env, cmd);
    }
}
