#!/usr/bin/env bash
# Builds the relay if needed and runs it with its defaults: an embedded Aeron media driver, feeds "test" (TCP 6666)
# and "prod" (TCP 6667), multicast out on the loopback interface. Unless --relay-only is given, it also starts a
# sender that streams relay-v1 frames into feed "test" and a subscriber that joins its groups and prints what
# arrives. Ctrl-C stops everything. Other arguments go to the relay (for example --relay.egress.ttl=32).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

jar=relay-app/target/relay.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml relay-*/pom.xml relay-*/src -newer "$jar" -type f -print -quit)" ]; then
  echo "building relay.jar (first run takes a few minutes) ..."
  ./mvnw -q -B -DskipTests package
fi

# Java 25 or later (bin/relay-java says where it looked when there is none), before anything starts.
bin/relay-java >/dev/null

demo=1
if [ "${1:-}" = "--relay-only" ]; then demo=0; shift; fi
if [ "$demo" = 0 ]; then
  exec bin/relay "$@"
fi

ready() {
  if command -v curl >/dev/null 2>&1; then
    curl -fs localhost:8080/readyz >/dev/null 2>&1
  else
    (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null
  fi
}

# Each process's output goes through sed by process substitution, so that $! is the java process itself: stopping
# the demo (Ctrl-C, or a TERM/INT to this script alone) stops the sender, the subscriber and the relay, in that order.
pids=()
start() {
  local label="$1"
  shift
  "$@" > >(sed -u "s/^/${label}/") 2>&1 &
  pids+=($!)
}
cleanup() {
  trap - EXIT INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

start '[relay]      ' bin/relay "$@"
for _ in $(seq 1 120); do
  if ready; then break; fi
  sleep 0.5
done
ready || { echo "the relay did not become ready; see its log above" >&2; exit 1; }
echo "[demo]       relay ready: health http://localhost:8080/readyz, metrics http://127.0.0.1:8081/actuator/prometheus"

start '[subscriber] ' bin/relay-subscriber --interface lo --join 239.255.6.1:6200,239.255.6.2:6201
sleep 1
start '[sender]     ' bin/relay-sender --port 6666 --dest 239.255.6.1:6200,239.255.6.2:6201 --rate 1000 \
  --payload-bytes 64
wait
