#!/usr/bin/env bash
# Builds the relay image's base for machines that reach no container registry: a debootstrap --variant=minbase
# rootfs of bookworm from Debian's packages, plus a Java 25 runtime made with jlink from this machine's JDK 25
# (bin/relay-java finds it; Debian bookworm packages no Java 25), imported with docker import.
#   docker/build-base-image.sh [IMAGE]      IMAGE defaults to $BASE_IMAGE, then mcast-relay-base:bookworm-java25
# Idempotent: does nothing when the image exists (REBUILD=1 builds it again). Needs root and a running Docker
# engine; installs debootstrap from Debian's packages when it is missing. DEBIAN_MIRROR overrides the mirror.
set -euo pipefail

image="${1:-${BASE_IMAGE:-mcast-relay-base:bookworm-java25}}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "${REBUILD:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-base-image: $image already exists"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi

java="$(cd "$(dirname "$0")/.." && bin/relay-java)"
jlink="$(dirname "$(readlink -f "$java")")/jlink"
if [ ! -x "$jlink" ]; then
  echo "build-base-image: $java has no jlink beside it; a JDK 25 (not a JRE) is needed to make the image's runtime" >&2
  exit 1
fi

rootfs="$(mktemp -d /tmp/mcast-relay-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
echo "build-base-image: debootstrap $suite (minbase) into $rootfs"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 30 "$rootfs.log" >&2
  exit 1
}
rm -f "$rootfs.log"
# What a container never needs: downloaded packages, package lists, documentation, manual pages, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
# The runtime: the modules Spring Boot, Netty, Aeron and the tools use (java.desktop for java.beans, jdk.unsupported
# for sun.misc.Unsafe, jdk.jcmd and jdk.jfr for diagnosing a live relay), without debug symbols, headers or man pages.
java_home=/opt/java
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http
modules+=,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.jcmd,jdk.jfr,jdk.management,jdk.naming.dns
modules+=,jdk.unsupported,jdk.zipfs
echo "build-base-image: jlink a Java runtime from $java into $java_home"
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$rootfs$java_home"
ln -s "$java_home/bin/java" "$rootfs/usr/bin/java"

tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'CMD ["bash"]' \
  --message "debootstrap --variant=minbase $suite, jlink $("$java" -version 2>&1 | head -n 1)" \
  - "$image" >/dev/null
echo "build-base-image: imported $image ($(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
