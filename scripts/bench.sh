#!/usr/bin/env bash
# The full benchmark run behind BENCHMARKS.md (the CI runs only a smoke pass, BenchmarkSmokeTest).
# Needs what scripts/provision.sh installs: Docker with the local etcd image, and Debian's etcd.
# Writes benchmarks/registry-bench/target/benchmarks.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."

export REGISTRYKIT_ETCD_IMAGE="$(scripts/provision.sh | tail -n 1)"
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

./mvnw -q -B -DskipTests install -pl benchmarks/registry-bench -am
cp=$(./mvnw -q -B -pl benchmarks/registry-bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
cp="benchmarks/registry-bench/target/classes:$cp"
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
} | tee "$out"
