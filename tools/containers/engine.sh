#!/usr/bin/env bash
# npm run containers:engine: prepares a local podman engine so that
#   podman-compose -f docker-compose.yml up -d --build
# works from the project's root with the Dockerfile and compose file as a user runs them.
# Idempotent: every step checks first and does nothing when its result is already there.
#
# No image can be pulled on these machines, so the base images the Dockerfile and compose file
# name are replaced by TEST STAND-INS built from Debian's packages (debootstrap), labelled
# org.opencontainers.image.description="test stand-in ...". They are not the published images.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: npm run containers:engine [-- --rebuild]

Installs podman, podman-compose, runc and debootstrap when missing, writes
/etc/containers/containers.conf (runc + cgroupfs) when it is not ours, and builds the test
stand-ins for node:20-bookworm-slim and redis:7-bookworm when they are not in local storage.
  --rebuild   build the stand-ins again even when they exist
Builds then need: BUILDAH_ISOLATION=chroot BUILDAH_FORMAT=docker (see the README's Docker section).
EOF
}

REBUILD=false
for arg in "$@"; do
  case "$arg" in
    --help | -h) usage && exit 0 ;;
    --rebuild) REBUILD=true ;;
    *) echo "containers:engine: unknown option '$arg'; see --help" >&2 && exit 2 ;;
  esac
done

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE_DIR="${CONTAINERS_CACHE_DIR:-/var/cache/imgcls-containers}"
NODE_IMAGE="docker.io/library/node:20-bookworm-slim"
REDIS_IMAGE="docker.io/library/redis:7-bookworm"
STAND_IN="test stand-in built by tools/containers/engine.sh from Debian packages; not the published image"
started=$SECONDS

log() { printf 'containers:engine: %s\n' "$*"; }
fail() { printf 'containers:engine: %s\n' "$*" >&2 && exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (apt-get, debootstrap, rootful podman); run it as root"

install_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v podman-compose >/dev/null || missing+=(podman-compose)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  # netavark with aardvark-dns resolves service names on a compose network; podman does not
  # pull them in, and its CNI fallback has no name resolution without another plugin.
  dpkg -s netavark aardvark-dns >/dev/null 2>&1 || missing+=(netavark aardvark-dns)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" uidmap slirp4netns fuse-overlayfs containernetworking-plugins iptables >/dev/null
}

# crun fails here ("cgroups in hybrid mode not supported"); runc with cgroupfs works.
configure_engine() {
  local conf=/etc/containers/containers.conf
  if cmp -s "$HERE/containers.conf" "$conf"; then return; fi
  if [ -e "$conf" ] && ! grep -q 'Written by tools/containers/engine.sh' "$conf"; then
    cp "$conf" "$conf.before-imgcls"
    log "kept the previous $conf as $conf.before-imgcls"
  fi
  mkdir -p /etc/containers
  cp "$HERE/containers.conf" "$conf"
  log "wrote $conf (runtime runc, cgroup manager cgroupfs)"
}

# debootstrap once; the tarball is cached so a rebuild of the images skips it.
rootfs_tarball() {
  local name="$1" include="$2" tarball="$CACHE_DIR/$1.tar"
  if [ -s "$tarball" ]; then echo "$tarball" && return; fi
  local dir="$CACHE_DIR/$name.rootfs"
  rm -rf "$dir" && mkdir -p "$dir"
  log "debootstrap bookworm ($name; about a minute)" >&2
  debootstrap --variant=minbase ${include:+--include="$include"} bookworm "$dir" \
    http://deb.debian.org/debian >"$CACHE_DIR/$name.debootstrap.log" 2>&1 ||
    fail "debootstrap failed; see $CACHE_DIR/$name.debootstrap.log"
  "customize_$name" "$dir"
  rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
  tar -C "$dir" -cf "$tarball.part" . && mv "$tarball.part" "$tarball" && rm -rf "$dir"
  echo "$tarball"
}

# The machine's own Node 20 and npm (Debian's nodejs is 18), a `node` user (uid 1000) as in the
# published image, and the machine's CA bundle so that `npm ci` in a build trusts its registry.
customize_node() {
  local dir="$1" npm_dir
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  install -m 0755 "$(readlink -f "$(command -v node)")" "$dir/usr/local/bin/node"
  mkdir -p "$dir/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$dir/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  mkdir -p "$dir/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  chroot "$dir" groupadd --gid 1000 node
  chroot "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
}

# Debian's redis-server, its user moved to uid 999 as in the published image.
customize_redis() {
  local dir="$1"
  chroot "$dir" groupmod --gid 999 redis
  chroot "$dir" usermod --uid 999 --gid 999 redis
  mkdir -p "$dir/data" && chown 999:999 "$dir/data"
}

import_image() {
  local image="$1" tarball="$2"
  shift 2
  local changes=(--change "LABEL org.opencontainers.image.description=\"$STAND_IN\"")
  for change in "$@"; do changes+=(--change "$change"); done
  podman import --quiet "${changes[@]}" "$tarball" "$image" >/dev/null
  log "imported $image (test stand-in)"
}

build_stand_ins() {
  mkdir -p "$CACHE_DIR"
  if $REBUILD; then rm -f "$CACHE_DIR"/*.tar; fi
  if $REBUILD || ! podman image exists "$NODE_IMAGE"; then
    import_image "$NODE_IMAGE" "$(rootfs_tarball node '')" \
      "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" 'CMD ["node"]'
  fi
  if $REBUILD || ! podman image exists "$REDIS_IMAGE"; then
    import_image "$REDIS_IMAGE" "$(rootfs_tarball redis redis-server)" \
      "WORKDIR /data" "VOLUME /data" "EXPOSE 6379" 'CMD ["redis-server"]'
  fi
}

install_packages
configure_engine
podman info >/dev/null 2>&1 || fail "podman cannot run here: $(podman info 2>&1 | tail -1)"
build_stand_ins
log "ready in $((SECONDS - started)) s: podman $(podman version --format '{{.Client.Version}}'), stand-ins $NODE_IMAGE and $REDIS_IMAGE"
