#!/usr/bin/env bash
# Prepares a Debian machine (as root) for registrykit's real-etcd tests:
#   - installs docker.io, etcd-server and etcd-client (etcdctl) if missing: Debian 12's etcd 3.4,
#   - fetches etcd 3.5 from Debian's trixie/sid suites WITHOUT installing it: the suites are added in
#     a sources file of their own at a low pin priority (nothing from them is ever chosen by a plain
#     `apt-get install`), the package is `apt-get download`ed and unpacked with `dpkg-deb -x` into
#     /opt/registrykit/etcd-<version>/ (its etcd, etcdctl and etcdutl run from there),
#   - starts dockerd if no engine answers, and waits for it,
#   - builds one local etcd image per version FROM scratch out of those binaries, laid out like the
#     official images (/usr/local/bin/etcd, etcdctl, etcdutl), for machines that cannot pull images.
#   - builds the Go interop client (etcd's own Go naming, grpc-go) from Debian trixie's source
#     packages: scripts/build-go-interop.sh, whose binary path is printed on stderr.
# Prints one image name per line, oldest version first: registrykit/etcd-local:v3.4.x, then
# registrykit/etcd-local:v3.5.x; so `| tail -n 1` is etcd 3.5 (what users run). The 3.4 image is also
# tagged registrykit/etcd-local:debian (Debian 12's own etcd). The 3.5 binary's
# folder is printed on stderr (use it as REGISTRYKIT_ETCD_BINARY for the process backend).
# Idempotent; safe to run on a machine that has it all.
set -euo pipefail

REPO="registrykit/etcd-local"
OPT=/opt/registrykit
log() { printf '[provision] %s\n' "$*" >&2; }

apt_updated=false
apt_update() {
  if [ "$apt_updated" = false ]; then
    apt-get update -qq >&2
    apt_updated=true
  fi
}

need_install=()
command -v dockerd >/dev/null 2>&1 || need_install+=(docker.io)
command -v etcd >/dev/null 2>&1 || need_install+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need_install+=(etcd-client)
if [ "${#need_install[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing ${need_install[*]} and not root: install them, or set REGISTRYKIT_ETCD_ENDPOINTS"
    exit 1
  fi
  log "installing ${need_install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_update
  apt-get install -y -qq "${need_install[@]}" >&2
fi

# etcd 3.5: Debian 12 has only 3.4. Take the newest 3.5 of sid, else trixie's, unpacked, not installed.
etcd35_dir=$(ls -d "$OPT"/etcd-3.5.* 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$etcd35_dir" ] || ! "$etcd35_dir/usr/bin/etcd" --version >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    log "etcd 3.5 is not under $OPT and not root: run this script as root once"
    exit 1
  fi
  sources=/etc/apt/sources.list.d/registrykit-etcd35.sources
  if [ ! -f "$sources" ]; then
    log "adding Debian trixie and sid at a low pin priority ($sources), for etcd 3.5"
    cat >"$sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    cat >/etc/apt/preferences.d/registrykit-etcd35 <<'PINS'
Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: *
Pin: release n=sid
Pin-Priority: 40
PINS
    apt_updated=false
  fi
  apt_update
  version=$(apt-cache madison etcd-server | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep '^3\.5\.' | sort -V | tail -n 1)
  [ -n "$version" ] || { log "no etcd-server 3.5 in Debian's trixie or sid lists"; exit 1; }
  work=$(mktemp -d)
  log "downloading etcd-server and etcd-client $version (not installing them)"
  (cd "$work" && chmod 777 "$work" && apt-get download -qq "etcd-server=$version" "etcd-client=$version" >&2)
  etcd35_dir="$OPT/etcd-${version%%-*}"
  rm -rf "$etcd35_dir"
  mkdir -p "$etcd35_dir"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$etcd35_dir"; done
  rm -rf "$work"
fi
# The Go interop client of tests/registry-contracts-it's GoNaming*IntegrationTest; failing to build it fails provisioning.
go_client=$("$(dirname "$0")/build-go-interop.sh")
log "Go interop client: $go_client"

log "etcd 3.5 binary: $etcd35_dir/usr/bin/etcd ($("$etcd35_dir/usr/bin/etcd" --version | awk 'NR == 1'))"

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd >/tmp/registrykit-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /tmp/registrykit-dockerd.log"; exit 1; }
fi
log "docker engine $(docker version --format '{{.Server.Version}}')"

# Builds (once) the image of the etcd in folder $1/usr/bin (etcdctl and etcdutl beside it if there)
# and prints its name: registrykit/etcd-local:v<version>, like the official image's tags.
build_image() {
  local bin_dir=$1 version image ctx tool lib
  version=$("$bin_dir/etcd" --version | awk '/^etcd Version:/ {print $3}')
  image="$REPO:v$version"
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "image $image exists"
  else
    log "building $image from $bin_dir/etcd"
    ctx=$(mktemp -d)
    mkdir -p "$ctx/bin" "$ctx/libs"
    for tool in etcd etcdctl etcdutl; do
      [ -x "$bin_dir/$tool" ] && cp "$(readlink -f "$bin_dir/$tool")" "$ctx/bin/$tool"
    done
    # Debian's binaries are dynamically linked: copy their loader and libraries too.
    for tool in "$ctx"/bin/*; do
      ldd "$tool" | awk '/=>/ {print $3} /ld-linux/ {print $1}'
    done | sort -u | while read -r lib; do
      [ -f "$lib" ] && cp --parents -L "$lib" "$ctx/libs/"
    done
    cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY libs/ /
COPY bin/ /usr/local/bin/
ENV PATH=/usr/local/bin
EXPOSE 2379 2380
CMD ["/usr/local/bin/etcd"]
DOCKERFILE
    docker build -q -t "$image" "$ctx" >&2
    rm -rf "$ctx"
  fi
  # The image must run; its first line of output is shown. Under pipefail, "| head -1" could fail
  # the script: head may exit before docker has written the rest (write: broken pipe).
  local shown
  shown=$(docker run --rm "$image" etcd --version)
  awk 'NR == 1' <<<"$shown" >&2
  echo "$image"
}

etcd34_image=$(build_image "$(dirname "$(readlink -f "$(command -v etcd)")")")
# Debian 12's own etcd also goes by the name earlier versions of this script gave it.
docker tag "$etcd34_image" "$REPO:debian"
echo "$etcd34_image"
build_image "$etcd35_dir/usr/bin"
