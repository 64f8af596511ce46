package pm.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.PmException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The readers of pm import: supervisord's INI dialect, its environment line, shell words, a PM2 .json. */
class ImportTest {
    @TempDir
    Path dir;

    @Test
    void theIniReaderTakesContinuationLinesCommentsAndBothSeparators() {
        var sections = SupervisordConf.sections("""
                ; a comment
                [program:web]
                command = /usr/bin/app --a ; said inline
                  --b #also inline
                Directory: /srv/web
                url=http://x/#frag

                [group:all]
                programs=web
                """, "s.conf");
        assertThat(sections).containsOnlyKeys("program:web", "group:all");
        assertThat(sections.get("program:web")).containsExactly(Map.entry("command", "/usr/bin/app --a\n--b"),
                Map.entry("directory", "/srv/web"), Map.entry("url", "http://x/#frag"));
        assertThatThrownBy(() -> SupervisordConf.sections("[program:web\n", "s.conf"))
                .isInstanceOf(PmException.class).hasMessage("s.conf:1: a section header without ]: write [program:NAME]");
        assertThatThrownBy(() -> SupervisordConf.sections("command=x\n", "s.conf"))
                .hasMessage("s.conf:1: expected key = value in a [section], got: command=x");
    }

    @Test
    void anEnvironmentLineIsPairsWithOptionalQuotes() {
        assertThat(SupervisordConf.environment("A=\"1,2\",B=plain, C='it''s', D=")).containsExactly(
                Map.entry("A", "1,2"), Map.entry("B", "plain"), Map.entry("C", "its"), Map.entry("D", ""));
    }

    @Test
    void shellWordsKeepQuotedSpacesAndEscapes() {
        assertThat(Imported.words("--name 'api server' \"a \\\"b\\\"\" c\\ d ''")).containsExactly("--name", "api server", "a \"b\"", "c d", "");
    }

    @Test
    void aPm2JsonFileIsReadAsItIsAndNamesArePmNames() throws IOException {
        Path json = Files.writeString(dir.resolve("ecosystem.json"), """
                {"apps": [{"name": "web app", "script": "server.js", "instances": 4, "exec_mode": "cluster", "exec_interpreter": "node",
                           "node_args": "--max-old-space-size=512", "stop_exit_codes": [0]},
                          {"script": "/usr/bin/worker", "interpreter": "none", "max_memory_restart": 1048576, "instances": "max"}]}
                """);
        var out = Pm2Ecosystem.yaml(json, "ecosystem.json");
        assertThat(out.apps()).isEqualTo(2);
        assertThat(out.yaml()).contains("""
                  web-app:
                    # not carried over: name: web app - renamed to web-app, a name pm takes
                    # not carried over: exec_mode: cluster - copies get PORT=P+i each; to share one port, give sockets: [tcp://HOST:P] and serve fd 3
                    script: server.js
                    type: nodejs
                    interpreter: node --max-old-space-size=512
                    restart_policy: on-failure
                    instances: 4
                  worker:
                    # not carried over: instances: max - pm runs a fixed number of copies, 1 to 1000: set instances
                    script: /usr/bin/worker
                    type: binary
                    max_memory: 1048576B
                """);
        assertThat(out.notes()).isEqualTo(3);
        assertThatThrownBy(() -> Pm2Ecosystem.yaml(Files.writeString(dir.resolve("bad.json"), "{\"apps\": 3}"), "bad.json"))
                .hasMessage("bad.json: no apps in it: PM2 reads apps: [{name, script, ...}]");
        assertThat(List.of(out.yaml().split("\n"))).first().isEqualTo("# pm.yaml imported from ecosystem.json by pm import pm2.");
    }
}
