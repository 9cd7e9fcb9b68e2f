#!/usr/bin/env bash
# What CI needs for the docker-tagged tests (relay-system-tests' DockerImageIT and ComposeDemoIT), idempotent, safe
# to run again:
#
#   docker/ci-docker.sh [setup]   install Docker's engine from Debian's packages (docker.io) if dockerd is missing,
#                                 and Debian's Compose (docker-compose 1.29) if neither `docker compose` nor
#                                 `docker-compose` runs; start dockerd if no engine answers (and leave it running; its
#                                 log is $DOCKERD_LOG, /var/log/dockerd.log), wait until it answers, then build the
#                                 local base image (docker/build-base-image.sh)
#   docker/ci-docker.sh check     after the build: fail unless both tests ran, with no test skipped or failed
#
# Needs root. The tests also need, where this runs inside a container (a /.dockerenv) and no registry is reachable:
#   export TESTCONTAINERS_HOST_OVERRIDE=localhost TESTCONTAINERS_RYUK_DISABLED=true
set -euo pipefail
cd "$(dirname "$0")/.."

setup() {
  local started
  started=$(date +%s)
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "ci-docker: installing docker.io"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
  fi
  # ComposeDemoIT runs docker/compose.yaml; bookworm packages no Compose v2 plugin, its docker-compose runs the file
  if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
    echo "ci-docker: installing docker-compose"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
  fi
  if ! docker info >/dev/null 2>&1; then
    local log="${DOCKERD_LOG:-/var/log/dockerd.log}"
    # A dockerd that was killed leaves its pid file behind; a stale one stops the next start.
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      rm -f /var/run/docker.pid
    fi
    echo "ci-docker: starting dockerd (log: $log)"
    setsid nohup dockerd >"$log" 2>&1 </dev/null &
    local waited=0
    until docker info >/dev/null 2>&1; do
      if [ "$waited" -ge 60 ]; then
        echo "ci-docker: dockerd did not answer within 60 s; the end of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
      fi
      sleep 1
      waited=$((waited + 1))
    done
  fi
  echo "ci-docker: engine $(docker version --format '{{.Server.Version}}') answers"
  docker/build-base-image.sh
  echo "ci-docker: ready in $(($(date +%s) - started)) s"
}

check() {
  local test
  for test in DockerImageIT ComposeDemoIT; do
    check_report "$test"
  done
}

check_report() {
  local report=relay-system-tests/target/failsafe-reports/TEST-io.mcastrelay.app.$1.xml
  if [ ! -f "$report" ]; then
    echo "ci-docker: $1 did not run (no $report)" >&2
    exit 1
  fi
  local suite
  suite=$(grep -o '<testsuite [^>]*>' "$report")
  local tests skipped failures errors
  tests=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$suite")
  skipped=$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$suite")
  failures=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$suite")
  errors=$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$suite")
  if [ "${tests:-0}" -eq 0 ] || [ "${skipped:-1}" -ne 0 ] || [ "${failures:-1}" -ne 0 ] || [ "${errors:-1}" -ne 0 ]; then
    echo "ci-docker: $1 must run here: tests=$tests skipped=$skipped failures=$failures errors=$errors" >&2
    exit 1
  fi
  echo "ci-docker: $1 ran $tests tests, none skipped"
}

case "${1:-setup}" in
  setup) setup ;;
  check) check ;;
  *) echo "usage: $0 [setup|check]" >&2; exit 2 ;;
esac
