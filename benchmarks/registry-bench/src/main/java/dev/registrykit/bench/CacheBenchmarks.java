package dev.registrykit.bench;

import dev.registrykit.PickStrategy;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Figure 7 of BENCHMARKS.md: choosing an instance. {@code ServiceCache.pick()} over a service of 16
 * instances (a cache on a FakeRegistry: picking never calls the registry, so the backend does not
 * matter), with each strategy, beside what a caller writes by hand: an {@code AtomicInteger}
 * round-robin over a {@code List}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CacheBenchmarks {

  private static final int INSTANCES = 16;

  /** A fake with one service of 16 instances, and a cache of it per strategy. */
  @State(Scope.Benchmark)
  public static class Caches {
    FakeRegistry registry;
    ServiceCache roundRobin;
    ServiceCache random;
    ServiceCache sticky;

    @Setup(Level.Trial)
    public void setUp() {
      registry = FakeRegistry.create();
      for (ServiceInstance instance : instances()) {
        registry.register(instance, Duration.ofSeconds(30));
      }
      roundRobin = ServiceCache.builder(registry, "orders").withStrategy(PickStrategy.roundRobin()).build();
      random = ServiceCache.builder(registry, "orders").withStrategy(PickStrategy.random()).build();
      sticky = ServiceCache.builder(registry, "orders").withStrategy(PickStrategy.sticky()).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      roundRobin.close();
      random.close();
      sticky.close();
      registry.close();
    }
  }

  /** The baseline: the same 16 instances in a list, and a shared counter. */
  @State(Scope.Benchmark)
  public static class Baseline {
    final List<ServiceInstance> instances = List.copyOf(instances());
    final AtomicInteger next = new AtomicInteger();
  }

  static List<ServiceInstance> instances() {
    List<ServiceInstance> instances = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      instances.add(ServiceInstance.of("orders", "i-" + i, "http://10.0.0." + i + ":5000"));
    }
    return instances;
  }

  @Benchmark
  public ServiceInstance cachePickRoundRobin(Caches caches) {
    return caches.roundRobin.pick().orElseThrow();
  }

  @Benchmark
  public ServiceInstance cachePickRandom(Caches caches) {
    return caches.random.pick().orElseThrow();
  }

  @Benchmark
  public ServiceInstance cachePickSticky(Caches caches) {
    return caches.sticky.pick().orElseThrow();
  }

  /** What a caller writes without a cache: round-robin over a list with an {@code AtomicInteger}. */
  @Benchmark
  public ServiceInstance listRoundRobin(Baseline baseline) {
    return baseline.instances.get(Math.floorMod(baseline.next.getAndIncrement(), baseline.instances.size()));
  }
}
