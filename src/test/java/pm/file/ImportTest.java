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
        var sections = SupervisordIni.sections("""
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
        assertThatThrownBy(() -> SupervisordIni.sections("[program:web\n", "s.conf"))
                .isInstanceOf(PmException.class).hasMessage("s.conf:1: a section header without ]: write [program:NAME]");
        assertThatThrownBy(() -> SupervisordIni.sections("command=x\n", "s.conf"))
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
                    max_restarts: 16
                    stop_signal: SIGINT
                    instances: 4
                  worker:
                    # not carried over: instances: max - pm runs a fixed number of copies, 1 to 1000: set instances
                    script: /usr/bin/worker
                    type: binary
                    restart_policy: always
                    max_restarts: 16
                    max_memory: 1048576B
                    stop_signal: SIGINT
                """);
        assertThat(out.notes()).isEqualTo(3);
        assertThatThrownBy(() -> Pm2Ecosystem.yaml(Files.writeString(dir.resolve("bad.json"), "{\"apps\": 3}"), "bad.json"))
                .hasMessage("bad.json: no apps in it: PM2 reads apps: [{name, script, ...}]");
        assertThat(List.of(out.yaml().split("\n"))).first().isEqualTo("# pm.yaml imported from ecosystem.json by pm import pm2.");
    }

    @Test
    void pm2sDefaultsComeAlongAndAnAppWithoutAScriptIsNoted() throws IOException {
        Path json = Files.writeString(dir.resolve("ecosystem.json"), """
                {"apps": [{"name": "plain", "script": "/usr/bin/plain"},
                          {"name": "once", "script": "/usr/bin/once", "autorestart": false},
                          {"name": "capped", "script": "/usr/bin/capped", "autorestart": true, "max_restarts": 3},
                          {"name": "noscript", "args": "--x"}]}
                """);
        String yaml = Pm2Ecosystem.yaml(json, "ecosystem.json").yaml();
        assertThat(yaml).contains("""
                  plain:
                    script: /usr/bin/plain
                    restart_policy: always
                    max_restarts: 16
                    stop_signal: SIGINT
                  once:
                    script: /usr/bin/once
                    restart_policy: never
                    stop_signal: SIGINT
                  capped:
                    script: /usr/bin/capped
                    restart_policy: always
                    max_restarts: 3
                    stop_signal: SIGINT
                  noscript:
                    # not carried over: script: (none) - PM2 needs one too: set script before applying
                """);
    }

    @Test
    void aPm2FileWithNoAppsIsRefused() throws IOException {
        for (String text : List.of("{\"apps\": []}", "{}", "[]", "{\"app\": [{\"script\": \"a.js\"}]}", "{\"apps\": 3}")) {
            Path json = Files.writeString(dir.resolve("ecosystem.json"), text);
            assertThatThrownBy(() -> Pm2Ecosystem.yaml(json, "ecosystem.json")).as(text).isInstanceOf(PmException.class)
                    .hasMessageStartingWith("ecosystem.json: no apps in it: PM2 reads apps: [{name, script, ...}]");
        }
        Path typo = Files.writeString(dir.resolve("typo.json"), "{\"app\": [{\"script\": \"a.js\"}]}");
        assertThatThrownBy(() -> Pm2Ecosystem.yaml(typo, "typo.json")).hasMessageEndingWith("(it has app:, not apps:)");
        Path one = Files.writeString(dir.resolve("one.json"), "{\"script\": \"/usr/bin/a\"}");
        assertThat(Pm2Ecosystem.yaml(one, "one.json").apps()).as("one app, as PM2 takes it").isEqualTo(1);
    }

    @Test
    void anEcosystemFileThatPrintsIsStillRead() throws IOException {
        Path js = Files.writeString(dir.resolve("ecosystem.config.js"), """
                console.log("loading the ecosystem");
                process.stdout.write("{not json");
                module.exports = {apps: [{name: "web", script: "/usr/bin/web"}]};
                """);
        var out = Pm2Ecosystem.yaml(js, "ecosystem.config.js");
        assertThat(out.apps()).isEqualTo(1);
        assertThat(out.yaml()).contains("  web:\n    script: /usr/bin/web\n");
        Path empty = Files.writeString(dir.resolve("empty.config.js"), "module.exports = {};\n");
        assertThatThrownBy(() -> Pm2Ecosystem.yaml(empty, "empty.config.js")).hasMessageStartingWith("empty.config.js: no apps in it");
    }

    @Test
    void aCommandOfInlineCodeOrAModuleRunsTheInterpreterItself() throws IOException {
        Path conf = Files.writeString(dir.resolve("supervisord.conf"), """
                [program:loop]
                command=sh -c "while true; do echo work; sleep 5; done"
                [program:bashed]
                command=/bin/bash -c 'echo $HOME'
                [program:module]
                command=python3 -u -m http.server 8000
                [program:eval]
                command=node -e "console.log(1)"
                [program:file]
                command=python3 -u app.py --x
                [program:numbered]
                command=/usr/bin/worker --id %(process_num)02d --name %(program_name)s
                """);
        var out = SupervisordConf.yaml(conf, "supervisord.conf");
        assertThat(out.yaml()).contains("""
                  loop:
                    script: sh
                    type: binary
                    args:
                      - -c
                      - while true; do echo work; sleep 5; done
                    restart_policy: on-failure
                  bashed:
                    script: /bin/bash
                    type: binary
                    args:
                      - -c
                      - echo $$HOME
                    restart_policy: on-failure
                  module:
                    script: python3
                    type: binary
                    args:
                      - -u
                      - -m
                      - http.server
                      - "8000"
                    restart_policy: on-failure
                  eval:
                    script: node
                    type: binary
                    args:
                      - -e
                      - console.log(1)
                    restart_policy: on-failure
                  file:
                    script: app.py
                    type: python
                    interpreter: python3 -u
                    args:
                      - --x
                    restart_policy: on-failure
                  numbered:
                    # not carried over: command: %(process_num)02d - pm does not put a copy's number in its command or settings: copy i gets PM_INSTANCE=i in its environment
                    script: /usr/bin/worker
                    type: binary
                    args:
                      - --id
                      - "%(process_num)02d"
                      - --name
                      - numbered
                    restart_policy: on-failure
                """);
        assertThat(out.notes()).isEqualTo(1);
    }

    @Test
    void anIncludeIsFollowedAsSupervisordFollowsIt() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path confD = Files.createDirectories(etc.resolve("conf.d"));
        Path more = Files.createDirectories(etc.resolve("more"));
        Path conf = Files.writeString(etc.resolve("supervisord.conf"), """
                [supervisord]
                logfile=/var/log/supervisor/supervisord.log
                [include]
                files = conf.d/*.conf  more/one.ini
                """);
        Files.writeString(confD.resolve("b.conf"), "[program:b]\ncommand=/usr/bin/b\ndirectory=%(here)s\n");
        Files.writeString(confD.resolve("a.conf"), "[program:a]\ncommand=/usr/bin/a\n[group:g]\nprograms=a,b\n");
        Files.writeString(confD.resolve("notes.txt"), "[program:not-read]\ncommand=/usr/bin/x\n");
        Files.writeString(more.resolve("one.ini"), "[program:c]\ncommand=/usr/bin/c\n");
        var out = SupervisordConf.yaml(conf, "supervisord.conf");
        assertThat(out.apps()).isEqualTo(3);
        assertThat(out.yaml()).contains("  a:\n    script: /usr/bin/a\n", "  b:\n    script: /usr/bin/b\n    type: binary\n    cwd: " + confD + "\n",
                "  c:\n", "# not carried over: [group:g] - pm has no groups").doesNotContain("not-read", "[include]");
        assertThat(out.yaml().indexOf("  a:")).isLessThan(out.yaml().indexOf("  b:"));

        Files.writeString(etc.resolve("empty.conf"), "[include]\nfiles = none.d/*.conf\n");
        assertThatThrownBy(() -> SupervisordConf.yaml(etc.resolve("empty.conf"), "empty.conf")).hasMessage(
                "empty.conf: no [program:NAME] section in it, nor in the 0 files its [include] files = none.d/*.conf names");
    }
}
