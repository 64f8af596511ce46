package pm.file;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Condition;
import pm.core.PmException;
import pm.core.ProcessType;
import pm.core.RestartPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pm.yaml loader: good files to specs, bad ones to every problem at once, each with line and column. */
class AppsFileTest {
    @TempDir
    Path dir;
    Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "DB_PORT", "5433", "EMPTY", "");

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("api"));
        Files.writeString(dir.resolve("api/server.py"), "print(1)\n");
        Files.writeString(dir.resolve("db.sh"), "sleep 100\n");
        Files.writeString(dir.resolve("api/.env"), "# settings\nexport MODE=file\nTOKEN='a b#c'\nGREETING=\"hi\\nthere\" \nLEVEL=info # a comment\n");
    }

    List<AppsFile.App> load(String text) throws IOException {
        Files.writeString(dir.resolve("pm.yaml"), text);
        return AppsFile.load(dir.resolve("pm.yaml"), "pm.yaml", env);
    }

    String problems(String text) {
        assertThatThrownBy(() -> load(text)).isInstanceOf(PmException.class);
        try {
            load(text);
            return "";
        } catch (PmException | IOException e) {
            return e.getMessage();
        }
    }

    @Test
    void aGoodFileGivesEverySpecWithPathsFromItsFolderVariablesAndEnvFiles() throws IOException {
        var apps = load("""
                # yaml-language-server: $schema=../docs/pm.schema.json
                apps:
                  db:
                    script: db.sh
                    port: ${DB_PORT}
                    health_check: tcp://127.0.0.1:${DB_PORT}
                  api:
                    script: api/server.py
                    cwd: api
                    args: [--workers, 2, "$$HOME"]
                    env_file: api/.env
                    env:
                      LEVEL: debug
                      GREETING: ${UNSET:-hello}
                      BLANK: ${EMPTY:-fallback}
                    depends_on:
                      db: healthy
                    restart_policy: always
                    autostart: false
                """);
        assertThat(apps).extracting(a -> a.spec().name()).containsExactly("db", "api");
        var db = apps.get(0).spec();
        assertThat(db.port()).isEqualTo(5433);
        assertThat(db.script()).isEqualTo(dir.resolve("db.sh").toString());
        assertThat(db.type()).isEqualTo(ProcessType.SHELL);
        assertThat(db.cwd()).isEqualTo(dir.toString());
        assertThat(apps.get(0).autostart()).isTrue();
        var api = apps.get(1).spec();
        assertThat(api.cwd()).isEqualTo(dir.resolve("api").toString());
        assertThat(api.args()).containsExactly("--workers", "2", "$HOME");
        assertThat(api.env()).containsOnly(Map.entry("MODE", "file"), Map.entry("TOKEN", "a b#c"), Map.entry("GREETING", "hello"),
                Map.entry("LEVEL", "debug"), Map.entry("BLANK", "fallback"));
        assertThat(api.dependsOn()).containsOnly(Map.entry("db", Condition.HEALTHY));
        assertThat(api.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(apps.get(1).autostart()).isFalse();
    }

    @Test
    void theSameAsJsonGivesTheSameSpecs() throws IOException {
        var yaml = load("apps:\n  db:\n    script: db.sh\n    max_memory: 200M\n    depends_on: []\n");
        var json = load("{\"apps\": {\"db\": {\"script\": \"db.sh\", \"max_memory\": \"200M\", \"depends_on\": []}}}");
        assertThat(json).isEqualTo(yaml);
    }

    @Test
    void aBadValueNamesItsLineColumnPathAndWhatIsAllowed() {
        assertThat(problems("""
                apps:
                  web:
                    script: db.sh
                    restart_policy: sometimes
                """)).isEqualTo("pm.yaml:4:5: apps.web.restart_policy: 'sometimes' is not one of never, on-failure, always, unless-stopped");
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnceInTheFilesOrder() {
        assertThat(problems("""
                apps:
                  web:
                    script: db.sh
                    helth_check: /health
                    port: http
                    env:
                      URL: ${DATABASE_URL}
                    depends_on: [cache, api]
                  api:
                    script: missing.py
                    depends_on: {api2: ready}
                  api2:
                    script: db.sh
                    autostart: yes
                """).split("\n")).containsExactly(
                "pm.yaml:4:5: apps.web.helth_check: unknown key; did you mean health_check?",
                "pm.yaml:5:5: apps.web.port: 'http' is not a port: use a number from 1 to 65535",
                "pm.yaml:7:12: apps.web.env.URL: ${DATABASE_URL} is not set and has no default: set it, or write ${DATABASE_URL:-default}",
                "pm.yaml:8:18: apps.web.depends_on[0]: no app named cache in this file",
                "pm.yaml:10:5: apps.api.script: script not found: " + dir.resolve("missing.py") + " (check the path, it is relative to " + dir + ")",
                "pm.yaml:11:18: apps.api.depends_on.api2: 'ready' is not one of started, healthy, completed",
                "pm.yaml:14:5: apps.api2.autostart: 'yes' is not true or false (YAML 1.2 reads yes and on as words)");
    }

    @Test
    void anUnsetVariableIsOneProblemNotAlsoOneOfTheEmptyValue() {
        assertThat(problems("""
                apps:
                  web:
                    script: db.sh
                    port: ${P}
                    max_restarts: ${NONE}
                """).split("\n")).containsExactly(
                "pm.yaml:4:11: apps.web.port: ${P} is not set and has no default: set it, or write ${P:-default}",
                "pm.yaml:5:19: apps.web.max_restarts: ${NONE} is not set and has no default: set it, or write ${NONE:-default}");
    }

    @Test
    void downReadsNamesOnlyFromAFileWithoutProblemsOfItsOwn() throws IOException {
        Files.writeString(dir.resolve("pm.yaml"), "apps:\n  web: {script: db.sh}\n  web: {script: db.sh}\n");
        assertThatThrownBy(() -> AppsFile.names(dir.resolve("pm.yaml"), "pm.yaml")).isInstanceOf(PmException.class)
                .hasMessage("pm.yaml:3:3: apps.web: the app web is named twice (first on line 2): an app's name must be unique");
        Files.writeString(dir.resolve("pm.yaml"), "apps:\n  web:\n    script: gone.sh\n    port: ${UNSET}\n");
        assertThat(AppsFile.names(dir.resolve("pm.yaml"), "pm.yaml")).as("variables and scripts are not checked").containsExactly("web");
    }

    @Test
    void aDependencyCycleIsNamedAsItGoesRound() {
        assertThat(problems("""
                apps:
                  web: {script: db.sh, depends_on: [api]}
                  api: {script: db.sh, depends_on: {web: healthy}}
                  solo: {script: db.sh, depends_on: [solo]}
                """).split("\n")).containsExactly(
                "pm.yaml:2:24: apps.web.depends_on: a dependency cycle: web -> api -> web; no app of it could ever start",
                "pm.yaml:4:25: apps.solo.depends_on: solo cannot depend on itself");
    }

    @Test
    void duplicateKeysAndAppNamesEachHaveTheirOwnLine() {
        assertThat(problems("""
                apps:
                  web:
                    script: db.sh
                    port: 80
                    port: 81
                  web:
                    script: db.sh
                """).split("\n")).containsExactly(
                "pm.yaml:5:5: apps.web.port: port is given twice (first on line 4): keep one",
                "pm.yaml:6:3: apps.web: the app web is named twice (first on line 2): an app's name must be unique");
    }

    @Test
    void tabsAnEmptyFileAndAFileThatIsNotAMapEachGetAClearLine() {
        assertThat(problems("apps:\n\tweb:\n\t\tscript: db.sh\n").split("\n")).containsExactly(
                "pm.yaml:2:1: a tab indents this line: YAML indents with spaces only",
                "pm.yaml:3:1: a tab indents this line: YAML indents with spaces only");
        assertThat(problems("# nothing yet\n\n")).isEqualTo("pm.yaml: the file is empty: list your apps under apps: (docs/config.md shows how)");
        assertThat(problems("- web\n- api\n")).isEqualTo("pm.yaml:1:1: the file is a list, not a map: start it with apps:, a map of app names to their settings");
        assertThat(problems("just words\n")).startsWith("pm.yaml:1:1: the file is the text 'just words', not a map");
        assertThat(problems("app:\n  web: {script: db.sh}\n")).isEqualTo("pm.yaml:1:1: app: unknown key: the file holds apps: (and x- keys for anchors); did you mean apps?");
        assertThat(problems("apps:\n")).isEqualTo("pm.yaml:1:1: apps: expected a map of app names to their settings, got empty (write apps: {} for none)");
        assertThat(problems("apps:\n  web: [a]\n")).isEqualTo("pm.yaml:2:3: apps.web: expected a map of settings (script: ... and the others), got a list");
        assertThat(problems("apps: {web: {script: db.sh}\n")).startsWith("pm.yaml:2:1: not valid YAML: ");
    }

    @Test
    void anEnvFileThatIsMissingOrMalformedIsAProblemOfItsKey() throws IOException {
        Files.writeString(dir.resolve("bad.env"), "OK=1\nnot a pair\n");
        assertThat(problems("apps:\n  web:\n    script: db.sh\n    env_file: [bad.env, nope.env]\n").split("\n")).containsExactly(
                "pm.yaml:4:16: apps.web.env_file[0]: bad.env:2: 'not a pair' is not KEY=VALUE",
                "pm.yaml:4:25: apps.web.env_file[1]: nope.env: no such file");
    }

    @Test
    void anchorsUnderXKeysAreSharedAndNotAnApp() throws IOException {
        var apps = load("""
                x-common: &common
                  restart_policy: always
                  max_memory: 100M
                apps:
                  a: {<<: *common, script: db.sh}
                """.replace("{<<: *common, script: db.sh}", "\n    script: db.sh\n    restart_policy: *rp")
                .replace("restart_policy: always", "restart_policy: &rp always"));
        assertThat(apps.getFirst().spec().restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
    }

    @Test
    void theSampleAppsFileGivesTheSpecsTheQuickStartRegisters() {
        Path root = Path.of("").toAbsolutePath();
        var caller = new pm.core.SpecBuilder.Context(root, System.getenv());
        var python = pm.core.SpecBuilder.build(Map.of("script", "sample_apps/python_app/app.py", "name", "python-app", "type", "python",
                "port", "5000", "health-check", "/health", "restart-policy", "on-failure"), pm.core.SpecBuilder.Naming.flags(), caller).orThrow();
        var node = pm.core.SpecBuilder.build(Map.of("script", "sample_apps/nodejs_app/app.js", "name", "nodejs-app", "type", "nodejs",
                "port", "3000", "health-check", "/health"), pm.core.SpecBuilder.Naming.flags(), caller).orThrow();
        var apps = AppsFile.load(root.resolve("sample_apps/pm.yaml"), "sample_apps/pm.yaml", System.getenv());
        assertThat(apps).extracting(AppsFile.App::spec).containsExactly(python, node);
        assertThat(apps).allMatch(AppsFile.App::autostart);
    }
}
