package dev.registrykit.bench;

import dev.registrykit.Registration;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * Figures 1 and 2 of BENCHMARKS.md: the fake's register + lookup throughput against a plain
 * ConcurrentHashMap doing the same puts and gets, and the cost of one whole lease-expiry scenario.
 */
public class FakeBenchmarks {

  private static final int INSTANCES = 16;
  private static final Duration TTL = Duration.ofSeconds(30);

  /** A fake holding one service of 16 instances; each op re-registers one and looks the service up. */
  @State(Scope.Thread)
  public static class Fake {
    FakeRegistry registry;
    ServiceInstance[] instances = new ServiceInstance[INSTANCES];
    int next;

    @Setup(Level.Iteration)
    public void setUp() {
      registry = FakeRegistry.create();
      for (int i = 0; i < INSTANCES; i++) {
        instances[i] = ServiceInstance.of("orders", "i-" + i, "http://10.0.0." + i + ":5000");
        registry.register(instances[i], TTL);
      }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      registry.close();
    }
  }

  /** The baseline: a map of services to maps of instances, doing the equivalent put and get. */
  @State(Scope.Thread)
  public static class Baseline {
    ConcurrentHashMap<String, ConcurrentHashMap<String, ServiceInstance>> services = new ConcurrentHashMap<>();
    ServiceInstance[] instances = new ServiceInstance[INSTANCES];
    int next;

    @Setup(Level.Iteration)
    public void setUp() {
      services.clear();
      for (int i = 0; i < INSTANCES; i++) {
        instances[i] = ServiceInstance.of("orders", "i-" + i, "http://10.0.0." + i + ":5000");
        services.computeIfAbsent("orders", s -> new ConcurrentHashMap<>()).put(instances[i].instanceId(), instances[i]);
      }
    }
  }

  /** One register (of an id already there: an update) and one lookup of the service. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public List<ServiceInstance> fakeRegisterAndLookup(Fake state) {
    ServiceInstance instance = state.instances[state.next++ & (INSTANCES - 1)];
    state.registry.register(instance, TTL);
    return state.registry.instances("orders");
  }

  /** The same put and get on ConcurrentHashMaps, copying the service's instances as a listing does. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public List<ServiceInstance> mapPutAndGet(Baseline state) {
    ServiceInstance instance = state.instances[state.next++ & (INSTANCES - 1)];
    state.services.computeIfAbsent(instance.serviceName(), s -> new ConcurrentHashMap<>())
        .put(instance.instanceId(), instance);
    Map<String, ServiceInstance> service = state.services.get("orders");
    return new ArrayList<>(service.values());
  }

  /** A whole scenario on a fresh fake: register (TTL 30 s), watch, crash, advance 31 s, see Removed. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public boolean leaseExpiryScenario() {
    FakeRegistry registry = FakeRegistry.create();
    boolean[] removed = new boolean[1];
    Registration registration = registry.register(ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000"), TTL);
    registry.watch("orders", event -> removed[0] |= event instanceof RegistryEvent.Removed);
    registry.crash(registration);
    registry.clock().advance(Duration.ofSeconds(31));
    if (!removed[0] || !registry.instances("orders").isEmpty()) {
      throw new IllegalStateException("the lease did not expire");
    }
    return removed[0];
  }
}
