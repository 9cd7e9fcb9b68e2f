#!/bin/bash
# The image's entry point: runs the relay, or one of the tools that ship inside it.
#
#   (no arguments), or arguments starting with -    the relay; the arguments go to Spring Boot (--relay.egress.ttl=32)
#   relay [ARGS]                                     the same
#   relay-sender | relay-subscriber | relay-ipc-tap [OPTIONS]    that tool (--help lists its options)
#   relay-capture [OPTIONS]                          the datacenter-side capture (docs/capture.md)
#   anything else                                    run as it is (bash, java -version)
#
# Java runs as PID 1 (exec), so SIGTERM from docker stop or ECS reaches the JVM's shutdown hook directly.
set -euo pipefail

readonly app=/opt/relay
# Agrona and Aeron reach jdk.internal.misc.Unsafe and NIO internals; Netty's epoll transport loads a native
# library. The same flags as relay.jar's manifest, which an exploded application does not read.
readonly required_flags=(
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
)
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
  relay-capture) shift; exec java "${required_flags[@]}" "${java_opts[@]}" -jar "$app/lib/relay-capture.jar" "$@" ;;
  *) exec "$@" ;;
esac
