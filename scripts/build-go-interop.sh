#!/usr/bin/env bash
# Builds registrykit's Go interop client (tests/registry-contracts-it/src/test/go/goclient: etcd's own Go naming,
# client/v3/naming/endpoints and naming/resolver, beside grpc-go's health service) from Debian trixie's
# source packages, in GOPATH mode (GO111MODULE=off): the Go module proxy cannot be reached, Debian's
# archive can. The toolchain is installed with `apt-get install golang-1.24-go/trixie` (the suffix
# picks that one package from trixie, which provision.sh configures at a low pin priority); the
# golang-*-dev source packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x`
# into /opt/registrykit/go-interop/root, never installed over the system's packages.
# Prints the binary's path on stdout. Idempotent: rebuilds only when the source or the package list
# changed. Exits non-zero when it cannot build (CI fails then; it does not skip the Go tests).
set -euo pipefail

cd "$(dirname "$0")/.."
SRC=tests/registry-contracts-it/src/test/go/goclient/main.go
OPT=/opt/registrykit/go-interop
GO=/usr/lib/go-1.24/bin/go
# The packages the client imports, with their imports: etcd 3.5.16's client, grpc-go 1.64, protobuf,
# zap, x/net, x/sys, x/text, genproto, gogo protobuf, go-semver, go-systemd (etcd's logutil).
PACKAGES=(golang-etcd-server-dev golang-google-grpc-dev golang-google-protobuf-dev
  golang-github-golang-protobuf-1-5-dev golang-github-gogo-protobuf-dev golang-google-genproto-dev
  golang-go.uber-zap-dev golang-go.uber-atomic-dev golang-go.uber-multierr-dev golang-golang-x-net-dev
  golang-golang-x-sys-dev golang-golang-x-text-dev golang-github-coreos-go-semver-dev
  golang-github-coreos-go-systemd-dev golang-github-grpc-ecosystem-grpc-gateway-dev)
log() { printf '[build-go-interop] %s\n' "$*" >&2; }

stamp=$( (cat "$SRC"; printf '%s\n' "${PACKAGES[@]}") | sha256sum | cut -c1-16)
binary="$OPT/bin/goclient"
if [ -x "$binary" ] && [ "$(cat "$OPT/bin/stamp" 2>/dev/null)" = "$stamp" ]; then
  log "up to date: $binary"
  echo "$binary"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  log "$binary is missing or stale and this is not root: run scripts/build-go-interop.sh (or provision.sh) as root"
  exit 1
fi
if [ ! -x "$GO" ]; then
  log "installing golang-1.24-go from trixie"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-1.24-go/trixie >&2
fi

debs="$OPT/debs"
mkdir -p "$debs"
chmod 777 "$debs" # apt's download sandbox user writes here
missing=()
for package in "${PACKAGES[@]}"; do
  ls "$debs/${package}_"*.deb >/dev/null 2>&1 || missing+=("$package/trixie")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "downloading ${#missing[@]} source package(s) from trixie (not installing them)"
  (cd "$debs" && apt-get download -qq "${missing[@]}" >&2)
fi
rm -rf "$OPT/root" "$OPT/gopath" "$OPT/bin"
mkdir -p "$OPT/root" "$OPT/gopath/src/registrykit.dev/goclient" "$OPT/bin"
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$OPT/root"; done
cp "$SRC" "$OPT/gopath/src/registrykit.dev/goclient/main.go"
log "building with $("$GO" version)"
GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$OPT/gopath:$OPT/root/usr/share/gocode" GOCACHE="$OPT/cache" \
  "$GO" build -o "$binary" registrykit.dev/goclient >&2
echo "$stamp" >"$OPT/bin/stamp"
log "built $binary"
echo "$binary"
