#!/bin/bash
# The image's entry point: runs the relay, or one of the tools that ship inside it.
#
#   (no arguments), or arguments starting with -    the relay; the arguments go to Spring Boot (--relay.egress.ttl=32)
#   relay [ARGS]                                     the same
#   relay-sender | relay-subscriber | relay-ipc-tap | relay-replay | relay-canary [OPTIONS]
#                                                    that tool (--help lists its options)
#   relay-capture [OPTIONS]                          the datacenter-side capture (docs/capture.md)
#   anything else                                    run as it is (bash, java -version)
#
# Java runs as PID 1 (exec), so SIGTERM from docker stop or ECS reaches the JVM's shutdown hook directly.
set -euo pipefail

readonly app=/opt/relay
# The relay's JVM flags (the repository's bin/relay-jvm-flags: module access for Agrona, Aeron and egress's
# sendmmsg, native access, the compiler setting the load tests measured), one per line; JAVA_OPTS comes after them,
# so a flag there overrides one here.
required_flags=()
while IFS= read -r line; do
  case "$line" in "" | "#"*) ;; *) required_flags+=("$line") ;; esac
done < "$app/jvm-flags"
readonly required_flags
read -r -a java_opts <<<"${JAVA_OPTS:-}"

relay() {
  exec java "${required_flags[@]}" "${java_opts[@]}" -cp "$app" org.springframework.boot.loader.launch.JarLauncher "$@"
}

tool() {
  local main="$1"
  shift
  exec java "${required_flags[@]}" "${java_opts[@]}" -Dloader.main="$main" -cp "$app" \
    org.springframework.boot.loader.launch.PropertiesLauncher "$@"
}

case "${1:-}" in
  "" | -*) relay "$@" ;;
  relay) shift; relay "$@" ;;
  relay-sender) shift; tool io.mcastrelay.tools.RelaySender "$@" ;;
  relay-subscriber) shift; tool io.mcastrelay.tools.RelaySubscriber "$@" ;;
  relay-ipc-tap) shift; tool io.mcastrelay.tools.IpcTap "$@" ;;
  relay-replay) shift; tool io.mcastrelay.tools.ReplayTool "$@" ;;
  relay-canary) shift; tool io.mcastrelay.canary.CanaryApplication "$@" ;;
  relay-capture) shift; exec java "${required_flags[@]}" "${java_opts[@]}" -jar "$app/lib/relay-capture.jar" "$@" ;;
  *) exec "$@" ;;
esac
