#!/usr/bin/env bash
# Prepares a Debian machine (as root) for registrykit's real-etcd tests:
#   - installs docker.io and etcd-server if missing,
#   - starts dockerd if no engine answers, and waits for it,
#   - builds a local etcd image FROM scratch out of Debian's etcd binary, laid out like the
#     official image (/usr/local/bin/etcd), for machines that cannot pull images.
# Prints the image name on its last line. Idempotent; safe to run on a machine that has it all.
set -euo pipefail

IMAGE="${REGISTRYKIT_ETCD_IMAGE:-registrykit/etcd-local:debian}"
log() { printf '[provision] %s\n' "$*" >&2; }

need_install=()
command -v dockerd >/dev/null 2>&1 || need_install+=(docker.io)
command -v etcd >/dev/null 2>&1 || need_install+=(etcd-server)
if [ "${#need_install[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing ${need_install[*]} and not root: install them, or set REGISTRYKIT_ETCD_ENDPOINTS"
    exit 1
  fi
  log "installing ${need_install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_install[@]}" >&2
fi

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

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "image $IMAGE exists"
else
  log "building $IMAGE from $(command -v etcd) ($(etcd --version | head -1))"
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  etcd_bin=$(readlink -f "$(command -v etcd)")
  cp "$etcd_bin" "$ctx/etcd"
  # The Debian binary is dynamically linked: copy its loader and libraries too.
  mkdir -p "$ctx/libs"
  ldd "$etcd_bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u | while read -r lib; do
    [ -f "$lib" ] && cp --parents -L "$lib" "$ctx/libs/"
  done
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY libs/ /
COPY etcd /usr/local/bin/etcd
ENV PATH=/usr/local/bin
EXPOSE 2379 2380
CMD ["/usr/local/bin/etcd"]
DOCKERFILE
  docker build -q -t "$IMAGE" "$ctx" >&2
fi
docker run --rm "$IMAGE" etcd --version >&2
echo "$IMAGE"
