#!/usr/bin/env bash
# Runs the relay's standard load-test set and writes load-tests/results/<date>/ (results.md, *.hgrm, *.png).
#   load-tests/run.sh                 the standard set: every scenario through the native yardstick, the Java
#                                     baseline and the relay, in a rotating order (about 12 minutes)
#   load-tests/run.sh --steady        the steady-state run: 200k frames/s for 60 s after 15 s of warm-up, GC logged
#   load-tests/run.sh --recovery      what recovery costs the live path: 100 B at 100k/s through the relay without
#                                     recovery, recording, and recording while a customer replays at full speed
#   load-tests/run.sh --scenarios 64B-100k,1400B-max   some of the standard set
#   load-tests/run.sh --set custom --payload mix --rate burst:2000/10ms --feeds 2 --subscribers 4
#   load-tests/run.sh --scenarios 100B-2feeds-max --forwarder-cpus 1 --loader-cpus 0   forwarder alone on CPU 1
# Other options go to io.mcastrelay.loadtest.LoadTest (--repeat, --warmup, --duration, --relay-jvm-opts, --spin, ...).
# Builds relay.jar and the load-tests jar first if they are missing or older than the sources, and the yardstick
# (load-tests/native/yardstick.c, with gcc) if it is missing or older than its source.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

relay_jar=relay-app/target/relay.jar
tests_jar=load-tests/target/load-tests.jar
stale() { [ ! -f "$1" ] || [ -n "$(find pom.xml */pom.xml */src -newer "$1" -type f -print -quit)" ]; }
if stale "$relay_jar" || stale "$tests_jar"; then
  echo "building relay.jar and load-tests.jar ..."
  ./mvnw -q -B -DskipTests package -pl relay-app,load-tests -am
fi
yardstick=load-tests/target/yardstick
if [ ! -x "$yardstick" ] || [ load-tests/native/yardstick.c -nt "$yardstick" ]; then
  echo "building the yardstick ..."
  mkdir -p load-tests/target
  gcc -O2 -Wall -Wextra -o "$yardstick" load-tests/native/yardstick.c
fi

args=(--set standard)
suffix=""
if [ "${1:-}" = "--steady" ]; then
  shift
  args=(--set steady --warmup 15s --duration 60s)
  suffix="-steady"
elif [ "${1:-}" = "--recovery" ]; then
  shift
  args=(--set recovery)
  suffix="-recovery"
fi
out="load-tests/results/$(date -u +%Y-%m-%d-%H%M)${suffix}"
prev=""
for arg in "$@"; do
  if [ "$prev" = "--out" ]; then out="$arg"; fi
  prev="$arg"
done
mkdir -p "$out"

# Subscribers ask for a 16 MB SO_RCVBUF; Linux caps it at net.core.rmem_max. As root, raise the cap for the run and
# put it back afterwards (results.md records the value in force).
rmem=/proc/sys/net/core/rmem_max
old_rmem=""
if [ -w "$rmem" ] && [ "$(cat "$rmem")" -lt 16777216 ]; then
  old_rmem=$(cat "$rmem")
  if echo 16777216 > "$rmem" 2>/dev/null; then
    echo "net.core.rmem_max raised from $old_rmem to 16777216 for the run"
  else
    old_rmem=""
  fi
fi
restore() { if [ -n "$old_rmem" ]; then echo "$old_rmem" > "$rmem"; fi; }
trap restore EXIT

# The load driver's java also starts the JVM forwarders (baseline, relay): Java 25 or later, as the relay needs.
java_bin=${JAVA:-$(bin/relay-java)}

# The generators and subscribers run in this JVM; its own GC log shows they did not pause.
"$java_bin" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -Xms1g -Xmx1g -Xmn768m -Xlog:gc:file="$out/load-driver-gc.log" \
  -cp "$tests_jar" io.mcastrelay.loadtest.LoadTest "${args[@]}" --yardstick "$yardstick" --out "$out" "$@" 2>&1 \
  | tee "$out/console.log"
