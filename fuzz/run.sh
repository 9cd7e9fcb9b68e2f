#!/usr/bin/env bash
# Fuzzes every @FuzzTest target for a while, one Maven run per target (Jazzer fuzzes one target per JVM).
#
#   fuzz/run.sh [seconds-per-target] [filter]
#
# seconds-per-target defaults to 20 (CI: 8 targets, about 4 minutes on 2 cores); filter keeps the targets whose
# name contains it (for example "FrameHandler" or "decodeSenderStream"). Exits 1 if any target found something.
# Each finding is written by Jazzer to <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>,
# where every later `./mvnw verify` replays it, and copied to fuzz/findings/ (CI keeps that folder); each run's
# output is in fuzz/logs/. The corpus a run grows stays in <module>/.cifuzz-corpus/ (not committed) and seeds the
# next run on the same machine. docs/fuzzing.md has the long run, and how to turn a finding into a fix.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-20}"
filter="${2:-}"
# Offline by default (CI runs `./mvnw verify` first, which downloads everything); FUZZ_MAVEN_FLAGS=-B goes online.
mvn_flags=(${FUZZ_MAVEN_FLAGS:--B -o})
targets=(
  "relay-wire RelayV1DecoderFuzzTest#decodeSenderStream"
  "relay-wire RelayV1DecoderFuzzTest#decodeRelayStream"
  "relay-wire LengthPrefixedDecoderFuzzTest#decodeStream"
  "relay-wire ConfigurationTextFuzzTest#parseIpv4"
  "relay-wire ConfigurationTextFuzzTest#parseDestination"
  "relay-wire,relay-testing,relay-ingress FrameHandlerFuzzTest#anyBytesInAnyReads"
  "relay-wire,relay-testing,relay-ingress FrameHandlerFuzzTest#framesToAnyDestination"
  "relay-wire,relay-testing,relay-egress MulticastAdapterFuzzTest#onFragment"
)

mkdir -p fuzz/logs fuzz/findings
echo "fuzz: compiling"
compile() {
  ./mvnw "$@" -q -pl relay-wire,relay-ingress,relay-egress -am test-compile -Dcheckstyle.skip > fuzz/logs/compile.log 2>&1
}
if ! compile "${mvn_flags[@]}"; then
  if [[ " ${mvn_flags[*]} " == *" -o "* ]] && compile -B; then
    echo "fuzz: downloaded what was missing; going online for the targets too"
    mvn_flags=(-B)
  else
    cat fuzz/logs/compile.log
    exit 1
  fi
fi

failed=()
summary=()
for target in "${targets[@]}"; do
  modules="${target%% *}"
  module="${modules##*,}"
  test="${target#* }"
  [[ -n "$filter" && "$target" != *"$filter"* ]] && continue
  name="${test/\#/.}"
  log="fuzz/logs/$name.log"
  marker="$(mktemp)"
  echo "fuzz: $test for ${seconds}s"
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" ./mvnw "${mvn_flags[@]}" -q -pl "$modules" test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Dcheckstyle.skip -Denforcer.skip > "$log" 2>&1
  rc=$?
  rate="$(grep -a 'DONE ' "$log" | tail -n 1 | grep -o 'exec/s: [0-9]*' | grep -o '[0-9]*')"
  runs="$(grep -a -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -n 1)"
  found="$(find "$module/src/test/resources" -name 'crash-*' -newer "$marker" 2>/dev/null)"
  rm -f "$marker"
  if [ -n "$found" ]; then
    mkdir -p "fuzz/findings/$name"
    cp $found "fuzz/findings/$name/"
  fi
  if [ $rc -ne 0 ] || [ -n "$found" ]; then
    failed+=("$test")
    summary+=("FAIL $test: ${runs:-no fuzzing run} (see $log)")
    grep -a -m 1 -A 12 'FuzzTestFindingException\|BUILD FAILURE\|ERROR\]' "$log" | head -n 20
    for file in $found; do
      echo "  finding: $file (base64 $(base64 -w 0 < "$file"))"
    done
  else
    summary+=("ok   $test: ${runs:-?}, ${rate:-?} exec/s")
  fi
done

echo
printf '%s\n' "${summary[@]}"
if [ ${#summary[@]} -eq 0 ]; then
  echo "fuzz: no target matches '$filter'"
  exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed; findings in fuzz/findings/, logs in fuzz/logs/"
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"
