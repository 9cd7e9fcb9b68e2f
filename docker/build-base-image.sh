#!/usr/bin/env bash
# Builds the relay image's base from Debian's packages alone, for machines that reach no container registry:
# a debootstrap --variant=minbase rootfs of bookworm with openjdk-17-jre-headless, imported with docker import.
#   docker/build-base-image.sh [IMAGE]      IMAGE defaults to $BASE_IMAGE, then mcast-relay-base:bookworm
# Idempotent: does nothing when the image exists (REBUILD=1 builds it again). Needs root and a running Docker
# engine; installs debootstrap from Debian's packages when it is missing. DEBIAN_MIRROR overrides the mirror.
set -euo pipefail

image="${1:-${BASE_IMAGE:-mcast-relay-base:bookworm}}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "${REBUILD:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-base-image: $image already exists"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi

rootfs="$(mktemp -d /tmp/mcast-relay-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
echo "build-base-image: debootstrap $suite (minbase + openjdk-17-jre-headless) into $rootfs"
debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 30 "$rootfs.log" >&2
  exit 1
}
rm -f "$rootfs.log"
# What a container never needs: downloaded packages, package lists, documentation, manual pages, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
java_home="$(cd "$rootfs" && dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java" | sed "s|^$rootfs||")")")"
java_home="${java_home#"$rootfs"}"

tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'CMD ["bash"]' \
  --message "debootstrap --variant=minbase --include=openjdk-17-jre-headless $suite" \
  - "$image" >/dev/null
echo "build-base-image: imported $image ($(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
