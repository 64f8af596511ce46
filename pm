#!/bin/sh
# pm launcher: finds a JDK 25, builds pm on first use, and starts the client (or, for
# "pm daemon run", the daemon) with the JVM flags chosen for each. The hot path forks nothing:
# the JDK found is remembered in target/.java and the AOT cache is checked with test -nt.
# In an install bundle (runtime/ next to it) it uses the bundle's runtime, jar and AOT cache.
set -e

self=$0
# How the user ran pm, for the commands its hints and examples print: "pm" when found on PATH (the shell
# then passes the full path, whose folder is on PATH), else as typed ("./pm", "bin/pm").
invoked=$0
case $0 in
    */*) dir=${0%/*}; case ":$PATH:" in *":$dir:"*) invoked=${0##*/} ;; esac ;;
esac
case $self in */*) ;; *) self=$(command -v -- "$self") ;; esac
if [ -L "$self" ]; then self=$(readlink -f -- "$self"); fi
root=${self%/*}
case $root in /*) ;; *) root=$(cd -- "$root" && pwd) ;; esac
self=$root/pm
jar=$root/target/pm.jar
aot=$root/target/pm.aot
remembered=$root/target/.java

# Prints nothing and succeeds when $1 is the home of a JDK 25 or later (reads its release file; no fork).
is_jdk25() {
    [ -x "$1/bin/java" ] && [ -r "$1/release" ] || return 1
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*)
                v=${line#JAVA_VERSION=\"}; v=${v%%[.\"]*}
                case $v in ''|*[!0-9]*) return 1 ;; esac
                [ "$v" -ge 25 ] && return 0 || return 1 ;;
        esac
    done < "$1/release"
    return 1
}

find_jdk() {
    if [ -n "${PM_JAVA:-}" ]; then
        home=${PM_JAVA%/bin/java}
        is_jdk25 "$home" && { echo "$home"; return; }
        echo "pm: PM_JAVA=$PM_JAVA is not a JDK 25 or later (set it to the JDK's folder)" >&2; return 1
    fi
    if [ -n "${JAVA_HOME:-}" ] && is_jdk25 "$JAVA_HOME"; then echo "$JAVA_HOME"; return; fi
    if command -v java >/dev/null 2>&1; then
        home=$(readlink -f -- "$(command -v java)"); home=${home%/bin/java}
        is_jdk25 "$home" && { echo "$home"; return; }
    fi
    for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*/jdk* "$HOME"/.sdkman/candidates/java/* \
                "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        is_jdk25 "$home" && { echo "$home"; return; }
    done
    echo "pm: needs a JDK 25 or later and found none; install one (for example Temurin 25) or set PM_JAVA to its folder" >&2
    return 1
}

java_home=
bundled=
if [ -x "$root/runtime/bin/java" ]; then
    # An install bundle (dist/bundle.sh): its own runtime, a prebuilt jar and the AOT cache made for that
    # runtime, so no JDK search, no build and no training run.
    bundled=1 java_home=$root/runtime jar=$root/lib/pm.jar aot=$root/lib/pm.aot
elif [ -r "$remembered" ] && [ -z "${PM_JAVA:-}" ]; then
    IFS= read -r java_home < "$remembered" || true
    [ -x "$java_home/bin/java" ] || java_home=
fi
if [ -z "$java_home" ]; then
    java_home=$(find_jdk) || exit 3
fi
java=$java_home/bin/java

if [ -z "$bundled" ] && { [ ! -f "$jar" ] || [ -n "${PM_REBUILD:-}" ]; }; then
    command -v mvn >/dev/null 2>&1 || { echo "pm: Maven (mvn) is needed to build pm the first time; install it and retry" >&2; exit 3; }
    # One build at a time: a second pm run waits for the first one's build instead of starting its own.
    mkdir -p "$root/target"
    lock=$root/target/.build-lock
    if mkdir "$lock" 2>/dev/null; then
        trap 'rmdir "$lock" 2>/dev/null' EXIT INT TERM
        echo "pm: building (first run only; needs Maven) ..." >&2
        # No colour codes: -B and style.color turn Maven's colours off, and jansi.noreset keeps Maven 3.8's
        # console library from writing a colour reset at its exit anyway.
        # umask 022: what it builds runs as every user of this checkout, so no one else may rewrite it.
        (cd "$root" && umask 022 && MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }-Djansi.noreset=true" \
            mvn -q -B -Dstyle.color=never -DskipTests -Dpm.bundle.skip package) >&2 || { echo "pm: the build failed; see the Maven output above" >&2; exit 1; }
        rm -f "$aot"
        rmdir "$lock"; trap - EXIT INT TERM
    else
        echo "pm: waiting for another pm to finish building ..." >&2
        while [ -d "$lock" ]; do sleep 1; done
        [ -f "$jar" ] || { echo "pm: the other build failed; run ./pm again" >&2; exit 1; }
    fi
fi
unset PM_REBUILD
[ -d "$root/target" ] && [ ! -r "$remembered" ] && echo "$java_home" > "$remembered"

if [ "${1:-}" = daemon ] && [ "${2:-}" = run ]; then
    # The daemon runs from its own copy of the jar, renamed into place: a rebuild rewrites target/pm.jar
    # in place, which would break a running daemon's lazy class loading. Copied only when it changed, so
    # a daemon starts on a full disk; a copy that fails leaves nothing, and the daemon runs from the build.
    home=${PM_HOME:-$HOME/.pm}
    # Apps inherit the daemon's PATH: with pm's own folder at its end, "pm heartbeat" works in any app,
    # whether or not pm is on the user's PATH, and the app's own programs still come first.
    case ":$PATH:" in *":$root:"*) ;; *) PATH=${PATH:+$PATH:}$root; export PATH ;; esac
    (umask 077 && mkdir -p "$home") || exit 1
    copy=$home/daemon.jar
    if cmp -s "$jar" "$copy" || { cp "$jar" "$copy.$$" && mv -f "$copy.$$" "$copy"; }; then
        jar=$copy
    else
        rm -f "$copy.$$"
        echo "pm daemon: warning: cannot copy $jar to $copy (is the disk full?); running from $jar, which a rebuild would break" >&2
    fi
    # The daemon's flags: a small, steady footprint (docs/performance.md says why each is here, with
    # the RSS each one saved). -XX:-ShrinkHeapInSteps: the collection pm.daemon.Footprint asks for after
    # a burst shrinks the heap at once, not by 0, 10, 40 % over several. -XX:TrimNativeHeapInterval: the
    # compiler's arenas and other freed malloc memory go back to the system (glibc keeps them otherwise).
    # -Xshare:off: the JDK's CDS archive is resident whole (14.6 MiB) for the 1300 of its classes the
    # daemon uses; parsed instead, they cost 2.8 MiB less. -XX:NewRatio=7: a 1 MiB young generation at
    # rest instead of 2.7.
    exec "$java" -XX:+UseSerialGC -Xms8m -Xmx64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:NewRatio=7 \
        -XX:TrimNativeHeapInterval=5000 -Xshare:off -XX:TieredStopAtLevel=1 -XX:+UseCompactObjectHeaders \
        -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=5000 -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -Xlog:disable -Xlog:all=warning:stderr \
        -Dpm.root="$root" -cp "$jar" pm.daemon.Daemon
fi

# The client's flags, for the training run too: the AOT cache's compiled adapters are only used by a JVM
# with the training run's GC. useNativeAccessorOnly: the first Unix socket makes the JDK instantiate a
# security provider by reflection, which otherwise spins method-handle classes (about 4 ms of every command).
# CompileThresholdScaling=3: fewer methods compiled in a run this short; the compiler thread's CPU time
# competes with the command on a busy machine (pm status: about 3 ms less CPU, 10% faster under load,
# no slower at 1000 apps; docs/performance.md).
client_flags="-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=3 -XX:+UseSerialGC -XX:-UsePerfData -Djdk.reflect.useNativeAccessorOnly=true"

# The AOT cache makes the client start about twice as fast. JDK 25.0.3 silently runs stale classes
# from a cache built for another jar (JDK-8377932), so only a cache newer than the jar is used.
if [ -z "$bundled" ] && [ ! "$aot" -nt "$jar" ]; then
    # A jar rebuilt while the training runs would make a cache that is newer but stale: drop it then.
    # Made under umask 022 whatever the caller's: a cache others could rewrite would run their code in
    # every pm started from this checkout.
    touch "$aot.$$.stamp"
    if (umask 022 && exec "$java" $client_flags -XX:AOTCacheOutput="$aot.$$" -Xlog:disable -Xlog:all=error:stderr -cp "$jar" pm.cli.Train >/dev/null 2>&1) \
            && [ ! "$jar" -nt "$aot.$$.stamp" ]; then
        mv -f "$aot.$$" "$aot"
    fi
    rm -f "$aot.$$" "$aot.$$.stamp"
fi
aot_flag=
# A bundle's cache and jar are made together and replaced together; its files' times may be the same.
if [ -n "$bundled" ] || [ "$aot" -nt "$jar" ]; then aot_flag=-XX:AOTCache=$aot; fi
# Whether tables may be coloured: the shell's test is free, System.console() costs the JVM about 1 ms.
terminal=false
[ -t 0 ] && [ -t 1 ] && terminal=true
# The terminal's width, for the commands that print a table, when COLUMNS does not say: stty costs a
# fork (about 1.5 ms), so only then. Read from stdout, the terminal the table goes to.
columns=
if [ -z "${COLUMNS:-}" ] && [ -t 1 ]; then
    case ${1:-} in
        # fd 3: the terminal, since inside $(...) stdout is the substitution's pipe.
        status|ls|ps|list) { columns=$(stty size <&3 2>/dev/null) && columns=${columns#* } || columns=; } 3>&1 ;;
    esac
fi

exec "$java" $client_flags -Xlog:disable -Xlog:all=warning:stderr \
    ${aot_flag:+"$aot_flag"} -Dpm.launcher="$self" -Dpm.invoked="$invoked" -Dpm.root="$root" -Dpm.terminal=$terminal ${columns:+"-Dpm.columns=$columns"} -cp "$jar" pm.cli.Main "$@"
