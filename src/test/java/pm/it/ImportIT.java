package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * pm import through the real ./pm: a PM2 ecosystem.config.js (evaluated by node) and a supervisord.conf,
 * written as their users write them, become a pm.yaml that applies and runs the same apps.
 */
class ImportIT {
    static final Path FILES = Pm.FIXTURES.resolve("import");
    Pm pm;

    @BeforeEach
    void setUp() {
        pm = new Pm();
    }

    @AfterEach
    void tearDown() {
        pm.close();
    }

    String log(String name) {
        try {
            return Files.readString(pm.file("logs/" + name + ".out.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Imports the file, applies what came out, and returns the pm.yaml. */
    String importAndApply(String tool, String file) throws IOException {
        var imported = pm.run("import", tool, FILES.resolve(file).toString());
        assertThat(imported.code()).as(imported.toString()).isZero();
        Path yaml = Files.writeString(pm.home.resolve(tool + ".yaml"), imported.out());
        var applied = pm.run("apply", "-f", yaml.toString());
        assertThat(applied.code()).as(applied + "\n" + imported.out()).isZero();
        return imported.out();
    }

    @Test
    void aPm2EcosystemFileBecomesAPmYamlThatRunsItsApps() throws IOException {
        var yaml = importAndApply("pm2", "ecosystem.config.js");
        assertThat(yaml).contains("""
                  api:
                """).contains("""
                    script: %1$s/api.sh
                    args:
                      - --port
                      - "3100"
                      - --name
                      - api server
                    cwd: %1$s
                    env:
                      NODE_ENV: production
                      GREETING: from-pm2
                      PRICE: 5$$
                    restart_policy: always
                    max_restarts: 5
                    restart_delay: 250ms
                    max_memory: 300M
                    stop_signal: SIGINT
                    kill_timeout: 3000ms
                    instances: 2
                """.formatted(FILES)).contains("# not carried over: exec_mode: cluster - copies get PORT=P+i each")
                .contains("# not carried over: watch: [src] - pm does not restart on file changes")
                .contains("# not carried over: env_development: {...}")
                .contains("# not carried over: deploy - pm does not deploy code")
                .contains("""
                  worker-queue:
                    # not carried over: name: worker queue - renamed to worker-queue, a name pm takes
                """).contains("""
                    script: %1$s/worker.py
                    type: python
                    interpreter: python3 -u
                    args:
                      - --queue
                      - default
                """.formatted(FILES)).contains("restart_policy: never");

        await("both apps' output", seconds(15), () -> log("api").contains("GREETING=from-pm2") && log("worker-queue").contains("worker args="));
        assertThat(log("api")).contains("api args=--port 3100 --name api server").contains("PRICE=5$").contains("cwd=" + FILES);
        assertThat(log("worker-queue")).contains("worker args=--queue default");
        assertThat(pm.status("api:0").get("restart_policy")).isEqualTo("always");
        assertThat(pm.status("api:1").get("restart_policy")).isEqualTo("always");
        assertThat(pm.ok("describe", "api")).contains("300.0M");
    }

    @Test
    void aSupervisordConfBecomesAPmYamlThatRunsItsProgramsAndNotesNumprocs() throws IOException {
        var yaml = importAndApply("supervisord", "supervisord.conf");
        assertThat(yaml).contains("""
                  api:
                    # not carried over: startsecs: 1 - pm counts an app started once spawned (or once healthy, with a health_check)
                    # not carried over: stdout_logfile: /var/log/api.out.log - pm writes stdout to $PM_HOME/logs/NAME.out.log (pm logs NAME)
                    # not carried over: stderr_logfile: /var/log/api.err.log - pm writes stderr to $PM_HOME/logs/NAME.err.log (pm logs NAME)
                    # not carried over: user: www-data - pm runs apps as the daemon's user
                    script: %1$s/api.sh
                    type: shell
                    interpreter: /bin/sh
                    args:
                      - --port
                      - "3200"
                      - --name=api
                    cwd: %1$s
                    env:
                      GREETING: from supervisord
                      PRICE: 5$$
                      HOME_DIR: ${HOME}
                    restart_policy: on-failure
                    max_restarts: 4
                    stop_signal: SIGINT
                    kill_timeout: 5s
                    max_log_size: 20M
                    log_files: 3
                  worker:
                """.formatted(FILES)).contains("    instances: 2\n").contains("# not carried over: [group:web] - pm has no groups")
                .contains("interpreter: python3 -u").contains("restart_policy: always");

        await("both programs' output", seconds(15), () -> log("api").contains("GREETING=from supervisord") && log("worker").contains("worker args="));
        assertThat(log("api")).contains("api args=--port 3200 --name=api").contains("PRICE=5$");
        assertThat(log("worker")).contains("worker args=--queue default");
        assertThat(pm.ok("describe", "api")).contains("SIGINT");
    }

    @Test
    void debiansLayoutIsFollowedThroughItsIncludeAndInlineCommandsRun() throws IOException {
        Path etc = Files.createDirectories(pm.home.resolve("etc/supervisor"));
        Path confD = Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(etc.resolve("supervisord.conf"), """
                ; as the Debian package installs it
                [unix_http_server]
                file=/var/run/supervisor.sock
                [supervisord]
                logfile=/var/log/supervisor/supervisord.log
                [include]
                files = /etc/supervisor/nothing-here/*.conf conf.d/*.conf
                """);
        Files.writeString(confD.resolve("loop.conf"), """
                [program:loop]
                command=sh -c "while true; do echo work; sleep 5; done"
                """);
        Files.writeString(confD.resolve("module.conf"), """
                [program:module]
                command=python3 -u -m worker --queue default
                directory=%s
                """.formatted(FILES));
        var imported = pm.run("import", "supervisord", etc.resolve("supervisord.conf").toString());
        assertThat(imported.code()).as(imported.toString()).isZero();
        assertThat(imported.err()).contains("imported 2 apps").contains("every setting was carried over");
        Path yaml = Files.writeString(pm.home.resolve("pm.yaml"), imported.out());
        var applied = pm.run("apply", "-f", yaml.toString());
        assertThat(applied.code()).as(applied + "\n" + imported.out()).isZero();
        await("both programs' output", seconds(15), () -> log("loop").contains("work") && log("module").contains("worker args=--queue default"));
        assertThat(pm.state("loop")).isEqualTo("running");
    }

    @Test
    void badInputGetsOneLineAndExitStatus2() throws IOException {
        Path broken = Files.writeString(pm.home.resolve("ecosystem.config.js"), "module.exports = { apps: [ { name: 'x' ");
        var js = pm.run("import", "pm2", broken.toString());
        assertThat(js.code()).isEqualTo(2);
        assertThat(js.err()).startsWith("pm: " + broken + ": node could not evaluate it: SyntaxError").hasLineCount(1);
        assertThat(js.out()).isEmpty();

        Path ini = Files.writeString(pm.home.resolve("supervisord.conf"), "[supervisord]\nlogfile=/tmp/x\n");
        assertThat(pm.run("import", "supervisord", ini.toString()).err())
                .isEqualTo("pm: " + ini + ": no [program:NAME] section in it: that is where supervisord's apps are\n");
        var other = pm.run("import", "systemd", ini.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).isEqualTo("pm: cannot import from 'systemd': pm import reads pm2 or supervisord files\n");
        assertThat(pm.run("import", "pm2", "nosuch.json").err()).isEqualTo("pm: nosuch.json: no such file\n");
    }
}
