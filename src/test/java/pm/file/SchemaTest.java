package pm.file;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Field;
import pm.core.Json;
import pm.core.PmException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/pm.schema.json: made from the field table (Schema), every pm.yaml example of the docs validates
 * against it, and it accepts and refuses the same keys and kinds of value as the loader.
 */
class SchemaTest {
    static final Path FILE = Path.of("docs/pm.schema.json");
    static final com.networknt.schema.Schema SCHEMA;

    static {
        try {
            if (Boolean.getBoolean("pm.schema.write")) Files.writeString(FILE, Schema.text());
            SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(Files.readString(FILE), InputFormat.JSON);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @TempDir
    Path dir;

    /** What the schema says is wrong with this pm.yaml text, read as the loader reads it but without variables. */
    static List<String> schemaProblems(String yaml) {
        var problems = new Problems("example");
        var tree = YamlTree.read(yaml, "example", null, problems);
        assertThat(tree).as("YAML that parses").isNotNull();
        return SCHEMA.validate(Json.write(tree.root()), InputFormat.JSON).stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    /** What the loader says is wrong with it (empty if it loads). */
    String loaderProblems(String yaml) throws IOException {
        Files.writeString(dir.resolve("pm.yaml"), yaml);
        try {
            AppsFile.load(dir.resolve("pm.yaml"), "pm.yaml", Map.of("PATH", "/usr/bin:/bin", "PORT", "8080"));
            return "";
        } catch (PmException e) {
            return e.getMessage();
        }
    }

    @Test
    void theFileIsWhatTheFieldTableMakesOfIt() throws IOException {
        assertThat(Json.parse(Files.readString(FILE)))
                .as("docs/pm.schema.json is out of date: mvn test -Dtest=SchemaTest -Dpm.schema.write=true writes it")
                .isEqualTo(Json.parse(Json.write(Schema.schema())));
        assertThat(Files.readString(FILE)).isEqualTo(Schema.text());
    }

    /** The pm.yaml examples: yaml blocks with apps: in the README and docs, and sample_apps/pm.yaml. */
    static List<String> examples() throws IOException {
        var out = new ArrayList<String>();
        var pages = new ArrayList<Path>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Path page : pages) {
            String text = Files.readString(page);
            for (int at = text.indexOf("```yaml\n"); at >= 0; at = text.indexOf("```yaml\n", at + 1)) {
                String block = text.substring(at + 8, text.indexOf("```", at + 8));
                if (block.contains("apps:")) out.add(block);
            }
        }
        out.add(Files.readString(Path.of("sample_apps/pm.yaml")));
        return out;
    }

    @Test
    void everyExampleInTheDocsValidates() throws IOException {
        var examples = examples();
        assertThat(examples).as("README, docs/config.md and sample_apps/pm.yaml have examples").hasSizeGreaterThanOrEqualTo(3);
        for (String example : examples) assertThat(schemaProblems(example)).as(example).isEmpty();
        // What pm import writes validates too.
        Path files = Path.of("src/test/fixtures/import");
        assertThat(schemaProblems(Pm2Ecosystem.yaml(files.resolve("ecosystem.config.js"), "ecosystem.config.js").yaml())).isEmpty();
        assertThat(schemaProblems(SupervisordConf.yaml(files.resolve("supervisord.conf"), "supervisord.conf").yaml())).isEmpty();
    }

    @Test
    void docsConfigHasARowForEveryKey() throws IOException {
        String config = Files.readString(Path.of("docs/config.md"));
        for (String key : Schema.appProperties().keySet()) assertThat(config).as(key).contains("\n| `" + key + "` |");
    }

    /** A value of each key that both take: every key of the table and of the loader is here, or the test fails. */
    Map<String, String> goodValues() throws IOException {
        Files.writeString(dir.resolve("app.sh"), "sleep 100\n");
        Files.writeString(dir.resolve("app.env"), "A=1\n");
        var out = new LinkedHashMap<String, String>();
        for (var f : Field.values()) {
            out.put(f.key(), switch (f.kind()) {
                case DURATION -> "1.5s";
                case SIZE -> "200M";
                case COUNT -> "3";
                case PORT -> "${PORT}";
                case CHOICE -> f == Field.STOP_SIGNAL ? "INT" : f.choices().getFirst();
                case STRING -> switch (f) {
                    case SCRIPT -> "app.sh";
                    case NAME -> "web";
                    case CWD -> ".";
                    case HEALTH_CHECK -> "tcp://127.0.0.1:9";
                    default -> "/bin/sh";
                };
                case LIST -> f == Field.SOCKETS ? "[tcp://127.0.0.1:9, unix:/tmp/pm-test.sock]" : "[--flag, 2]";
                case MAP -> "{A: \"1\", B: 2}";
                case BOOL -> "true";
                case DEPENDENCIES -> "{db: healthy}";
            });
        }
        out.put(AppsFile.Key.ENV_FILE.key, "[app.env]");
        out.put(AppsFile.Key.AUTOSTART.key, "false");
        return out;
    }

    static String file(Map<String, String> web) {
        var text = new StringBuilder("apps:\n  db:\n    script: app.sh\n  web:\n");
        web.forEach((k, v) -> text.append("    ").append(k).append(": ").append(v).append('\n'));
        return text.toString();
    }

    @Test
    void bothTakeEveryKeyOfTheFieldTableAndTheLoader() throws IOException {
        var good = goodValues();
        assertThat(good.keySet()).containsExactlyElementsOf(Schema.appProperties().keySet());
        String yaml = file(good);
        assertThat(loaderProblems(yaml)).isEmpty();
        assertThat(schemaProblems(yaml)).isEmpty();
    }

    @Test
    void bothRefuseAnUnknownKeyAndAWrongValueOfEachKind() throws IOException {
        var bad = new LinkedHashMap<String, String>();
        bad.put("helth_check", "/health");
        bad.put("restart_delay", "5");
        bad.put("health_timeout", "soon");
        bad.put("max_memory", "lots");
        bad.put("max_restarts", "-1");
        bad.put("port", "70000");
        bad.put("restart_policy", "sometimes");
        bad.put("type", "ruby");
        bad.put("interpreter", "[a, b]");
        bad.put("args", "--flag");
        bad.put("env", "A=1");
        bad.put("depends_on", "{db: ready}");
        bad.put("autostart", "maybe");
        bad.put("env_file", "{a: b}");
        Files.writeString(dir.resolve("app.sh"), "sleep 100\n");
        for (var e : bad.entrySet()) {
            var app = new LinkedHashMap<String, String>();
            app.put("script", "app.sh");
            app.put(e.getKey(), e.getValue());
            String yaml = file(app);
            assertThat(loaderProblems(yaml)).as(yaml).contains("apps.web." + e.getKey());
            assertThat(schemaProblems(yaml)).as(yaml).isNotEmpty();
        }
        // Words the flags take in other spellings, and a boolean written as text: refused by both.
        for (String app : List.of("restart_policy: Always", "type: node", "autostart: \"true\"", "autostart: 'false'")) {
            String yaml = "apps:\n  web:\n    script: app.sh\n    " + app + "\n";
            assertThat(loaderProblems(yaml)).as(yaml).contains("apps.web." + app.substring(0, app.indexOf(':')) + ": ");
            assertThat(schemaProblems(yaml)).as(yaml).isNotEmpty();
        }
        assertThat(loaderProblems("apps:\n  web:\n    script: app.sh\n    restart_policy: Always\n")).endsWith("; did you mean always?");
        assertThat(loaderProblems("apps:\n  web:\n    script: app.sh\n    autostart: \"true\"\n")).endsWith("'true' is text, not true or false: write true without quotes");
        assertThat(schemaProblems("apps:\n  web: {}\n")).as("no script").isNotEmpty();
        assertThat(loaderProblems("apps:\n  web: {}\n")).contains("missing script");
        assertThat(schemaProblems("apps: {}\nservices: {}\n")).as("a top-level key").isNotEmpty();
        assertThat(loaderProblems("apps: {}\nservices: {}\n")).contains("services: unknown key");
        assertThat(schemaProblems("x-policy: &p always\napps:\n  web: {script: app.sh, restart_policy: *p}\n")).isEmpty();
    }
}
