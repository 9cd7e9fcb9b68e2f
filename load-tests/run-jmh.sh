#!/usr/bin/env bash
# Runs the JMH benchmarks of the codec and the hot path with the GC profiler (gc.alloc.rate.norm: bytes allocated
# per frame) and writes load-tests/results/<date>-jmh/jmh.txt and jmh.json.
#   load-tests/run-jmh.sh                       every benchmark, every payload size (about 4 minutes)
#   load-tests/run-jmh.sh Ingress -p payloadBytes=64   a subset; any JMH option works
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jar=load-tests/target/load-tests.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml */pom.xml */src -newer "$jar" -type f -print -quit)" ]; then
  echo "building load-tests.jar ..."
  ./mvnw -q -B -DskipTests package -pl load-tests -am
fi
out="load-tests/results/$(date -u +%Y-%m-%d-%H%M)-jmh"
mkdir -p "$out"
{
  echo "# $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $("$(bin/relay-java)" -version 2>&1 | head -1)"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/jmh.txt"
"$(bin/relay-java)" -jar "$jar" -prof gc -rf json -rff "$out/jmh.json" "$@" 2>&1 | tee -a "$out/jmh.txt"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/jmh.txt"
