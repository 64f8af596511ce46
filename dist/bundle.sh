#!/bin/sh
# Builds the install bundle, which needs no JDK on the machine it goes to (mvn package runs this after
# the jars; mvn package -Dpm.bundle.skip leaves it out):
#   target/pm-VERSION-linux-x64.tar.gz  pm-VERSION/: the launcher, lib/ (pm.jar, the client's AOT cache and
#                                       pm top's terminal library, jline-*.jar),
#                                       runtime/ (a Java runtime made by jlink), clients/ (heartbeat clients)
#   target/pm_VERSION_amd64.deb         the same tree under /opt/pm, and /usr/bin/pm on the PATH
# Usage, from the project's folder: PM_BUNDLE_JDK=JDK_HOME dist/bundle.sh PROJECT_VERSION
set -eu
jdk=${PM_BUNDLE_JDK:?set PM_BUNDLE_JDK to a JDK 25 home}
version=${1%-SNAPSHOT}

# Only the modules pm uses: jdeps --ignore-missing-deps --print-module-deps on target/pm.jar with pm top's
# library (target/lib) names them (BundleIT fails if it names another): java.logging for the daemon's log,
# java.net.http for HTTP health checks, jdk.httpserver for the daemon's HTTP API. Not java.desktop, which
# jdeps also names: only JLine's terminal-graphics classes (images) use it, and pm top never loads them.
modules=java.base,java.logging,java.net.http,jdk.httpserver
# The .deb's Maintainer field, NAME <EMAIL> as Debian's policy asks: the project's maintainers, as they sign
# its commits (jpackage writes "VENDOR <EMAIL>", and "Unknown" for an email it was not given).
maintainer=${PM_BUNDLE_MAINTAINER:-pm maintainers <maintainers@users.noreply.r-seed-daa1af53.example>}
vendor=${maintainer%% <*} email=${maintainer##*<}; email=${email%>}

missing=
for tool in "$jdk/bin/jlink" "$jdk/bin/jpackage"; do [ -x "$tool" ] || missing="$missing $tool"; done
for tool in objcopy fakeroot dpkg-deb tar gzip; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -n "$missing" ]; then
    echo "pm bundle: missing:$missing. The install bundle needs the JDK's jlink and jpackage, objcopy (jlink" \
         "strips the runtime's native code with it), and fakeroot and dpkg-deb for the .deb (Debian: apt-get install" \
         "binutils fakeroot dpkg); or leave the bundle out: mvn package -Dpm.bundle.skip" >&2
    exit 1
fi

work=target/bundle
stage=$work/pm-$version
rm -rf "$work"
mkdir -p "$stage/lib" "$stage/clients/java"
cp pm README.md "$stage/"
# The docs the README links to, and the pm.yaml schema that editors and a pm export's header point at.
mkdir -p "$stage/docs"
cp docs/*.md docs/pm.schema.json docs/openapi.json "$stage/docs/"
cp target/pm.jar "$stage/lib/"
# pm top's terminal library, which the launcher puts on the class path of top alone.
cp target/lib/jline-terminal.jar target/lib/jline-terminal-ffm.jar target/lib/jline-reader.jar "$stage/lib/"
cp clients/README.md "$stage/clients/"
cp -R clients/python clients/node "$stage/clients/"
cp target/pm-heartbeat.jar "$stage/clients/java/"
find "$stage/clients" -name __pycache__ -prune -exec rm -rf {} +

# The runtime is made once per JDK and module list (jlink takes 4 s) and kept in target/jlink-runtime.
# --strip-debug drops the JDK classes' line numbers (pm's own are in its jar) and, through objcopy, the
# native libraries' symbols: 5 MiB less.
jlink_options="--add-modules $modules --strip-debug --no-header-files --no-man-pages"
key="$jdk $jlink_options $(cat "$jdk/release")"
if [ "$(cat target/jlink-runtime.key 2>/dev/null)" != "$key" ]; then
    rm -rf target/jlink-runtime target/jlink-runtime.key
    # shellcheck disable=SC2086 # the options are words
    "$jdk/bin/jlink" $jlink_options --output target/jlink-runtime
    printf '%s' "$key" > target/jlink-runtime.key
fi
cp -R target/jlink-runtime "$stage/runtime"

# The client's AOT cache, made by the bundled runtime (a cache only serves the JVM that made it) with the
# launcher's client flags (its GC must match), read from the launcher so they are written in one place.
client_flags=$(sed -n 's/^client_flags="\(.*\)"$/\1/p' pm)
[ -n "$client_flags" ] || { echo "pm bundle: found no client_flags=\"...\" line in ./pm" >&2; exit 1; }
# shellcheck disable=SC2086 # the flags are words
"$stage/runtime/bin/java" $client_flags -XX:AOTCacheOutput="$stage/lib/pm.aot" -Xlog:disable -Xlog:all=error:stderr \
    -cp "$stage/lib/pm.jar" pm.cli.Train >"$work/train.log" 2>&1 && [ -s "$stage/lib/pm.aot" ] \
    || { cat "$work/train.log" >&2; echo "pm bundle: the client's AOT cache could not be made (output above)" >&2; exit 1; }

# The tarball is made while jpackage makes the .deb (each takes about 3 s, mostly compressing).
tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "target/pm-$version-linux-x64.tar.gz" "pm-$version" &
tarred=$!

# jpackage's app images bring their own native launcher, which cannot give the client and the daemon their
# different JVM flags; packaged as a runtime image, the .deb carries the tree above as it is.
# zstd: 2 s where dpkg-deb's default, xz, takes 30 (dpkg reads it since Debian 12 and Ubuntu 21.10).
rm -f "target/pm_${version}_amd64.deb"
DPKG_DEB_COMPRESSOR_TYPE=zstd "$jdk/bin/jpackage" --type deb --runtime-image "$stage" --name pm --app-version "$version" \
    --install-dir /opt --resource-dir dist/deb --linux-app-category utils \
    --vendor "$vendor" --linux-deb-maintainer "$email" \
    --description "pm, a universal process manager: runs and watches long-running programs of any kind" \
    --dest target
wait "$tarred"
