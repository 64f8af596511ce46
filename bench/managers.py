"""One driver per process manager, all with the same small interface, each in a private folder under
/tmp that it removes when closed:

    m = Pm(); m.setup([App(...), ...])   # a private home, the daemon started, the apps declared
    m.prepare_start(); m.start_all()     # the manager's own "start everything" command
    m.states()                           # {name: (state, pid)} from its own status command
    m.stop_all(); m.close()              # close() stops everything it started and removes its folder

Pm drives ./pm (PM_HOME), Pm2 drives pm2 (PM2_HOME, an ecosystem file), Supervisord drives a private
supervisord (its own config, socket and logs) with supervisorctl, and ShellLoop is the baseline for
restarts: `while true; do app; done`.
"""
import json, os, shlex, shutil, signal, subprocess, sys, tempfile, uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

import common
from common import RUN_ID, TOKEN_VAR, BenchError, run, sweep, wait_until

PM2 = "/tmp/pm-bench-anchors/node_modules/.bin/pm2"
OPEN = []  # managers not closed yet, closed in reverse order by close_all()


@dataclass
class App:
    name: str
    argv: list
    restart: Optional[bool] = None  # None: the manager's default; True: after any exit, at once; False: never
    rotate: Optional[int] = None    # log rotation size in bytes; None: the manager's default; 0: never
    keep: Optional[int] = None      # rotated files kept; None: the manager's default
    startsecs: Optional[int] = None  # supervisord only; None: its default (1)


class Manager:
    key = label = "?"

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix=f"pm-bench-{self.key}-", dir="/tmp")
        self.token = f"{RUN_ID}-{uuid.uuid4().hex[:8]}"
        self.env = dict(os.environ, **{TOKEN_VAR: self.token}, NO_COLOR="1")
        self.apps = []
        self.leftovers = []
        self.closed = False
        OPEN.append(self)

    # The interface. States are normalised: "running" means what each calls running/online/RUNNING.
    def setup(self, apps): raise NotImplementedError
    def prepare_start(self): pass
    def start_all(self): raise NotImplementedError
    def stop_all(self): raise NotImplementedError
    def states(self): raise NotImplementedError
    def status_cmd(self): raise NotImplementedError
    def json_status_cmd(self): return None
    def daemon_pid(self): raise NotImplementedError
    def out_logs(self, name): raise NotImplementedError  # an app's stdout log files, oldest first
    def shutdown(self): raise NotImplementedError

    def running_pids(self):
        """{name: pid} once every app runs, else None."""
        st = self.states()
        if len(st) < len(self.apps) or any(s != "running" or not p for s, p in st.values()):
            return None
        return {n: p for n, (s, p) in st.items()}

    def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            self.shutdown()
        except Exception as e:  # the sweep below still makes sure nothing is left
            print(f"  note: {self.label} shutdown: {e}", file=sys.stderr)
        finally:
            self.leftovers = sweep(self.token)
            shutil.rmtree(self.home, ignore_errors=True)
            if self in OPEN:
                OPEN.remove(self)


def close_all():
    for m in reversed(list(OPEN)):
        m.close()


def rotated(path, keep=100):
    """path.N ... path.1 (those that exist, oldest first), then path: the files that hold one log."""
    return [f"{path}.{i}" for i in range(keep, 0, -1) if os.path.exists(f"{path}.{i}")] + [path]


class Pm(Manager):
    key, label = "pm", "pm"

    def __init__(self, http="127.0.0.1:0"):
        """http: PM_HTTP_LISTEN for its daemon; by default on, at a free port (9615 is the user's daemon's)."""
        super().__init__()
        self.env["PM_HTTP_LISTEN"] = http

    def pm(self, *args, timeout=300, capture=False):
        return run([common.PM, *args], env=self.env, timeout=timeout, capture=capture)

    def setup(self, apps):
        self.env["PM_HOME"] = self.home
        self.apps = apps
        self.pm("daemon", "start")

        def register(a):
            args = ["register", a.argv[0], "--name", a.name, "--type", "binary"]
            if a.restart is True:
                args += ["--restart-policy", "always", "--max-restarts", "100000", "--restart-delay", "0"]
            elif a.restart is False:
                args += ["--restart-policy", "never"]
            if a.rotate is not None:
                args += ["--max-log-size", f"{a.rotate}B" if a.rotate else "0"]  # a size takes its unit
            if a.keep is not None:
                args += ["--log-files", str(a.keep)]
            self.pm(*args, "--", *a.argv[1:])

        # One command per app, as a user would; four at a time to keep the setup of 1000 short.
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(register, apps))

    def start_all(self): self.pm("start", "--all")
    def stop_all(self): self.pm("stop", "--all")
    def status_cmd(self): return [common.PM, "status"]
    def json_status_cmd(self): return [common.PM, "status", "--json"]

    def states(self):
        out = self.pm("status", "--json", capture=True).stdout
        return {p["name"]: (p["state"], p["pid"]) for p in json.loads(out)["processes"]}

    def daemon_pid(self):
        with open(os.path.join(self.home, "daemon.pid")) as f:
            return int(f.read())

    def out_logs(self, name): return rotated(os.path.join(self.home, "logs", f"{name}.out.log"))

    def shutdown(self):
        if os.path.exists(os.path.join(self.home, "daemon.pid")):
            run([common.PM, "kill"], env=self.env, timeout=120, check=False)


class Pm2(Manager):
    key, label = "pm2", "PM2"

    @staticmethod
    def present(): return os.access(PM2, os.X_OK)

    def pm2(self, *args, timeout=300, capture=False):
        return run([PM2, *args], env=self.env, timeout=timeout, capture=capture)

    def setup(self, apps):
        self.env["PM2_HOME"] = self.home
        self.apps = apps
        os.makedirs(os.path.join(self.home, "logs"), exist_ok=True)
        entries = []
        for a in apps:
            e = {"name": a.name, "script": a.argv[0], "args": a.argv[1:], "interpreter": "none",
                 "out_file": os.path.join(self.home, "logs", f"{a.name}.out.log"),
                 "error_file": os.path.join(self.home, "logs", f"{a.name}.err.log")}
            if a.restart is True:
                e.update(autorestart=True, restart_delay=0, max_restarts=100000)
            elif a.restart is False:
                e.update(autorestart=False)
            entries.append(e)
        self.eco = os.path.join(self.home, "ecosystem.config.js")
        with open(self.eco, "w") as f:
            f.write("module.exports = " + json.dumps({"apps": entries}, indent=1) + ";\n")
        self.pm2("ping")  # starts the God daemon

    def prepare_start(self):
        # Each start begins from the same point: the daemon up, no app declared. `pm2 start FILE` then
        # declares and starts them, as PM2 users start an ecosystem file.
        if self.states():
            self.pm2("delete", "all")

    def start_all(self): self.pm2("start", self.eco)
    def stop_all(self): self.pm2("stop", "all")
    def status_cmd(self): return [PM2, "status"]
    def json_status_cmd(self): return [PM2, "jlist"]

    def states(self):
        out = self.pm2("jlist", capture=True).stdout
        out = out[out.index("["):] if "[" in out else "[]"  # jlist may be preceded by notices
        return {p["name"]: ("running" if p["pm2_env"]["status"] == "online" else p["pm2_env"]["status"],
                            p.get("pid")) for p in json.loads(out)}

    def daemon_pid(self):
        with open(os.path.join(self.home, "pm2.pid")) as f:
            return int(f.read())

    def out_logs(self, name): return [os.path.join(self.home, "logs", f"{name}.out.log")]

    def shutdown(self):
        if os.path.exists(os.path.join(self.home, "pm2.pid")):
            run([PM2, "kill"], env=self.env, timeout=120, check=False)


class Supervisord(Manager):
    key, label = "supervisord", "supervisord"

    @staticmethod
    def present(): return shutil.which("supervisord") is not None and shutil.which("supervisorctl") is not None

    def __init__(self, startsecs=None):
        super().__init__()
        self.startsecs = startsecs  # for every program; None: supervisord's default (1)
        self.proc = None

    def ctl(self, *args, timeout=300, capture=False, check=True):
        return run(["supervisorctl", "-c", self.conf, *args], env=self.env, timeout=timeout, capture=capture,
                   check=check)

    def setup(self, apps):
        self.apps = apps
        h = self.home
        logs = os.path.join(h, "logs")
        os.makedirs(logs)
        self.conf = os.path.join(h, "supervisord.conf")
        lines = ["[unix_http_server]", f"file={h}/supervisor.sock", "",
                 "[supervisord]", f"logfile={h}/supervisord.log", f"pidfile={h}/supervisord.pid",
                 f"childlogdir={logs}", "",
                 "[rpcinterface:supervisor]",
                 "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
                 "[supervisorctl]", f"serverurl=unix://{h}/supervisor.sock", ""]
        for a in apps:
            lines += [f"[program:{a.name}]", f"command={shlex.join(a.argv)}", "autostart=false",
                      f"stdout_logfile={logs}/{a.name}.out.log", f"stderr_logfile={logs}/{a.name}.err.log"]
            if a.restart is True:
                lines += ["autorestart=true", "startretries=100000"]
            elif a.restart is False:
                lines += ["autorestart=false"]
            startsecs = a.startsecs if a.startsecs is not None else self.startsecs
            if startsecs is not None:
                lines += [f"startsecs={startsecs}"]
            if a.rotate is not None:
                lines += [f"stdout_logfile_maxbytes={a.rotate}"]
            if a.keep is not None:
                lines += [f"stdout_logfile_backups={a.keep}"]
            lines.append("")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines))
        # In the foreground (-n), as our child: its pid is the daemon's, and nothing outlives the run.
        self.proc = subprocess.Popen(["supervisord", "-n", "-c", self.conf], env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(h, "supervisord.stderr"), "w"),
                                     start_new_session=True)
        wait_until(lambda: self.proc.poll() is not None or
                   self.ctl("pid", check=False).returncode == 0, 60, "supervisord to answer", 0.05)
        if self.proc.poll() is not None:
            raise BenchError(f"supervisord exited {self.proc.returncode} at start")

    def start_all(self): self.ctl("start", "all")
    def stop_all(self): self.ctl("stop", "all")
    def status_cmd(self): return ["supervisorctl", "-c", self.conf, "status"]

    def states(self):
        out = self.ctl("status", capture=True, check=False).stdout  # exits 3 when some are not running
        st = {}
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 2:
                pid = int(f[3].rstrip(",")) if len(f) >= 4 and f[2] == "pid" else None
                st[f[0]] = ("running" if f[1] == "RUNNING" else f[1].lower(), pid)
        return st

    def daemon_pid(self): return self.proc.pid

    def out_logs(self, name): return rotated(os.path.join(self.home, "logs", f"{name}.out.log"))

    def shutdown(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.ctl("shutdown", check=False, timeout=60)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class ShellLoop(Manager):
    """The baseline for restarts: one app in `while true; do app; done`, as a plain shell runs it."""
    key, label = "shell", "shell loop"

    def setup(self, apps):
        (self.app,) = self.apps = apps
        self.proc = None

    def start_all(self):
        loop = f"while true; do {shlex.join(self.app.argv)}; done"
        self.proc = subprocess.Popen(["/bin/sh", "-c", loop], env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def shutdown(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
