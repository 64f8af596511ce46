#!/bin/sh
# Installs the two managers bench/run.py compares pm with ("anchors"), and skips what is already there:
#   PM2          npm package pm2, into /tmp/pm-bench-anchors (nothing global; run.py looks there)
#   supervisord  Debian package supervisor (a global apt install, as root)
# After installing supervisor, the system's own supervisord service is stopped: the benchmark starts
# its own private instance with its own config, socket and logs under /tmp.
#
# Usage: bench/install-anchors.sh [pm2] [supervisor]     (no argument: both)
set -eu

PM2_VERSION=${PM2_VERSION:-7.0.4}    # verified with Node.js 20 (needs Node >= 18)
PREFIX=/tmp/pm-bench-anchors

want=${*:-pm2 supervisor}

for what in $want; do
    case $what in
    pm2)
        if [ -x "$PREFIX/node_modules/.bin/pm2" ]; then
            echo "pm2: already in $PREFIX ($("$PREFIX/node_modules/.bin/pm2" --version 2>/dev/null | tail -n 1))"
        else
            command -v npm >/dev/null 2>&1 || { echo "pm2: needs npm (Node.js); install it first" >&2; exit 1; }
            echo "pm2: installing pm2@$PM2_VERSION into $PREFIX ..."
            mkdir -p "$PREFIX"
            npm install --no-audit --no-fund --loglevel=error --prefix "$PREFIX" "pm2@$PM2_VERSION"
        fi
        ;;
    supervisor)
        if command -v supervisord >/dev/null 2>&1; then
            echo "supervisord: already installed ($(supervisord --version))"
        else
            command -v apt-get >/dev/null 2>&1 || { echo "supervisor: needs apt-get (Debian/Ubuntu)" >&2; exit 1; }
            [ "$(id -u)" -eq 0 ] || { echo "supervisor: apt-get install needs root" >&2; exit 1; }
            echo "supervisord: installing the Debian package supervisor ..."
            apt-get update -qq
            # policy-rc.d exit 101 asks the package not to start its service; checked below all the same.
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq supervisor
        fi
        # The system's own supervisord must not run: the benchmark starts a private one.
        if command -v service >/dev/null 2>&1; then service supervisor stop >/dev/null 2>&1 || true; fi
        if command -v systemctl >/dev/null 2>&1; then systemctl disable --now supervisor >/dev/null 2>&1 || true; fi
        if [ -r /var/run/supervisord.pid ]; then
            pid=$(cat /var/run/supervisord.pid)
            kill "$pid" 2>/dev/null || true
        fi
        # Anything still running from the system config (not ours: ours run with -c /tmp/...).
        for p in /proc/[0-9]*; do
            cmd=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) || continue
            case $cmd in
            *supervisord*/etc/supervisor/supervisord.conf*) kill "${p#/proc/}" 2>/dev/null && echo "supervisord: stopped the system instance (pid ${p#/proc/})" ;;
            esac
        done
        ;;
    *)
        echo "unknown anchor '$what' (pm2 or supervisor)" >&2; exit 2 ;;
    esac
done
