#!/usr/bin/env bash
# The full benchmark run behind BENCHMARKS.md (the CI runs only a smoke pass, BenchmarkSmokeTest).
# Needs what scripts/provision.sh installs: Docker with the local etcd image, and Debian's etcd.
#
#   scripts/bench.sh            figures 1-9 and memory; writes benchmarks/registry-bench/target/benchmarks.md
#   scripts/bench.sh figure-10  figure 10 only: registry-contracts-it's etcd classes with forkCount=2, each share
#                               mode twice, alternating; writes benchmarks/registry-bench/target/figure-10.md
#   scripts/bench.sh all        both
#
# Each part records `uptime` before and after it: the figures mean little on a loaded machine.
# Nothing is installed into ~/.m2 (the reactor builds what it needs).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-figures}
case "$mode" in
  figures | figure-10 | all) ;;
  *) echo "usage: scripts/bench.sh [figures|figure-10|all] (was: $mode)" >&2; exit 2 ;;
esac

export REGISTRYKIT_ETCD_IMAGE="$(scripts/provision.sh | tail -n 1)"
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

figures() {
  ./mvnw -q -B -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -pl benchmarks/registry-bench -am
  cp="benchmarks/registry-bench/target/classes:$(cat benchmarks/registry-bench/target/bench-classpath.txt)"
  java_bench() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" "$@"; }

  # etcd for figures 3-5 and memory: Debian's binary on free loopback ports, fast elections as in the tests.
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  peer=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  etcd --name bench --data-dir "$data" --listen-client-urls "http://127.0.0.1:$port" \
    --advertise-client-urls "http://127.0.0.1:$port" --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" --initial-cluster "bench=http://127.0.0.1:$peer" \
    --heartbeat-interval 10 --election-timeout 100 >"$data/etcd.log" 2>&1 &
  etcd_pid=$!
  trap 'kill $etcd_pid 2>/dev/null; rm -rf "$data"' EXIT
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

  out=benchmarks/registry-bench/target/benchmarks.md
  {
    echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), etcd $(etcd --version | awk 'NR == 1 {print $3}')"
    echo "Start: $(date -u +%FT%TZ), uptime: $(uptime)"
    echo
    echo "| figure | registrykit | baseline | ratio |"
    echo "| --- | --- | --- | --- |"
    java_bench org.openjdk.jmh.Main -f 2 -wi 5 -w 1s -i 10 -r 1s -rf csv -rff benchmarks/registry-bench/target/jmh.csv \
      'dev.registrykit.bench.(FakeBenchmarks|CacheBenchmarks)' >benchmarks/registry-bench/target/jmh.log
    python3 - <<'PY'
import csv
rows = {r["Benchmark"].split(".")[-1]: r for r in csv.DictReader(open("benchmarks/registry-bench/target/jmh.csv"))}
fake, base, exp = rows["fakeRegisterAndLookup"], rows["mapPutAndGet"], rows["leaseExpiryScenario"]
f, b = float(fake["Score"]), float(base["Score"])
print(f"| 1. fake register + lookup, one thread | {f:,.0f} ops/s (± {float(fake['Score Error (99.9%)']):,.0f}) | ConcurrentHashMap: {b:,.0f} ops/s | map is {b/f:.1f}x faster |")
print(f"| 2. fake lease-expiry scenario | {float(exp['Score']):.2f} µs/op (± {float(exp['Score Error (99.9%)']):.2f}) | - | - |")
rr, lst = rows["cachePickRoundRobin"], rows["listRoundRobin"]
c, l = float(rr["Score"]), float(lst["Score"])
print(f"| 7. ServiceCache.pick(), round-robin, 16 instances | {c:,.0f} ops/s (± {float(rr['Score Error (99.9%)']):,.0f}); "
      f"random {float(rows['cachePickRandom']['Score']):,.0f}, sticky {float(rows['cachePickSticky']['Score']):,.0f} | "
      f"AtomicInteger over a List: {l:,.0f} ops/s | {c/l:.2f} |")
PY
    java_bench dev.registrykit.bench.EtcdFigures "http://127.0.0.1:$port" 400 10 | tail -n +3
    java_bench dev.registrykit.bench.GrpcFigures "http://127.0.0.1:$port" 200 2>/dev/null
    java_bench dev.registrykit.bench.JunitFigures
    java_bench dev.registrykit.bench.MemoryFigures "http://127.0.0.1:$port"
    echo
    echo "End: $(date -u +%FT%TZ), uptime: $(uptime)"
  } | tee "$out"
}

# Figure 10: registry-contracts-it's etcd classes in a JVM each (registry-contracts-it sets reuseForks=false), two JVMs at
# a time, with each JVM starting its own etcd container (registrykit.etcd.share=jvm, the default) or
# all sharing one (machine). The figure is registry-contracts-it's module time in Maven's reactor summary.
figure10() {
  local classes='EtcdRegistryContractTest,EtcdServiceCacheContractTest,EtcdRegistryIntegrationTest,EtcdElectionIntegrationTest,EtcdDefaultRootInteropIntegrationTest,EtcdAuthIntegrationTest'
  local out=benchmarks/registry-bench/target/figure-10.md logs=benchmarks/registry-bench/target/figure-10
  mkdir -p "$logs"
  ./mvnw -q -B -DskipTests package -pl tests/registry-contracts-it -am # compiled once, so every run below times the tests
  {
    echo "Figure 10: $classes, -DforkCount=2, $REGISTRYKIT_ETCD_IMAGE"
    echo "Start: $(date -u +%FT%TZ), uptime: $(uptime)"
    echo
    echo "| run | registrykit.etcd.share | registry-contracts-it module time | tests | uptime after |"
    echo "| --- | --- | --- | --- | --- |"
    for run in 1 2; do
      for share in jvm machine; do
        local log="$logs/$run-$share.log"
        local status=passed time tests
        REGISTRYKIT_ETCD_SHARE=$share ./mvnw -B -ntp verify -pl tests/registry-contracts-it -am -DforkCount=2 \
          -Dtest="$classes" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 || status="FAILED (see $log)"
        time=$(grep -E 'registrykit integration tests .*(SUCCESS|FAILURE) \[' "$log" | sed -E 's/.*\[ *([0-9.:]+ [a-z]+)\].*/\1/')
        tests=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run:' "$log" | tail -n 1 | sed -E 's/.*(Tests run: [^T]*)$/\1/')
        echo "| $run | $share | $time, $status | $tests | $(uptime | sed 's/.*load average/load average/') |"
      done
    done
    echo
    echo "End: $(date -u +%FT%TZ), uptime: $(uptime)"
  } | tee "$out"
}

case "$mode" in
  figures) figures ;;
  figure-10) figure10 ;;
  all) figure10; figures ;;
esac
