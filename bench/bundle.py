#!/usr/bin/env python3
"""The install bundle beside the checkout: the sizes of the tarball and the .deb that `mvn package` built,
and `pm status` from the unpacked tarball (its own runtime and AOT cache) against the checkout's `./pm`
(the JDK it found), alternately, against one daemon with N apps, so machine load hits both alike.

Usage: bench/bundle.py [--processes 10] [--runs 30] [--out bench/results/bundle.json]
Needs target/pm-VERSION-linux-x64.tar.gz and target/pm_VERSION_amd64.deb (mvn package).
Runs in private folders under /tmp and stops everything it started.
"""
import argparse, glob, json, os, platform, shutil, subprocess, tempfile, time

from common import PM, ROOT, run, summary, timed_ms


def one(pattern):
    found = glob.glob(os.path.join(ROOT, "target", pattern))
    if len(found) != 1:
        raise SystemExit(f"bundle.py: expected one target/{pattern}, found {len(found)}; run mvn package")
    return found[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, default=10)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "bundle.json"))
    a = ap.parse_args()
    tarball, deb = one("pm-*-linux-x64.tar.gz"), one("pm_*_amd64.deb")

    folder = tempfile.mkdtemp(prefix="pm-bundle-", dir="/tmp")
    home = tempfile.mkdtemp(prefix="pm-bench-", dir="/tmp")
    env = dict(os.environ, PM_HOME=home, NO_COLOR="1")
    try:
        run(["tar", "-C", folder, "-xzf", tarball])
        bundled = glob.glob(os.path.join(folder, "pm-*", "pm"))[0]
        for i in range(a.processes):
            run([PM, "register", "/bin/sleep", "--name", f"app-{i}", "--type", "binary", "--", "100000"], env=env)
        run([PM, "start", "--all"], env=env)
        for _ in range(3):  # warm the page cache, and make the checkout's AOT cache if it is missing
            run([PM, "status"], env=env)
            run([bundled, "status"], env=env)
        checkout, bundle = [], []
        for _ in range(a.runs):
            checkout.append(timed_ms([PM, "status"], env=env))
            bundle.append(timed_ms([bundled, "status"], env=env))
    finally:
        subprocess.run([PM, "kill"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)

    c, b = summary(checkout), summary(bundle)
    result = {
        "tarball": {"file": os.path.basename(tarball), "bytes": os.path.getsize(tarball)},
        "deb": {"file": os.path.basename(deb), "bytes": os.path.getsize(deb)},
        "status_checkout_ms": c, "status_bundle_ms": b, "ratio_bundle_to_checkout": b["median"] / c["median"],
        "processes": a.processes,
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "load": os.getloadavg()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    mib = 2**20
    print(f"{result['tarball']['file']}: {result['tarball']['bytes'] / mib:.1f} MiB")
    print(f"{result['deb']['file']}: {result['deb']['bytes'] / mib:.1f} MiB")
    for name, s in (("checkout ./pm status", c), ("bundle pm status", b)):
        print(f"{name:22} median {s['median']:6.1f} ms  min {s['min']:6.1f}  max {s['max']:6.1f}  ({s['n']} runs)")
    print(f"bundle / checkout: {result['ratio_bundle_to_checkout']:.2f} x (medians), {a.processes} apps")


if __name__ == "__main__":
    main()
