package dev.registrykit.bench;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.fake.FakeRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The memory figure of BENCHMARKS.md: heap retained per registered instance, measured as the used
 * heap after full collections before and after registering {@code n} instances.
 *
 * <p>{@code java dev.registrykit.bench.MemoryFigures [etcd endpoint]}
 */
public final class MemoryFigures {

  private MemoryFigures() {
  }

  /** The fake with 100,000 instances; the etcd client with 2,000 if an endpoint is given. */
  public static void main(String[] args) {
    run(100_000, args.length > 0 ? args[0] : null, 2_000, System.out);
  }

  /**
   * Prints one table row per backend.
   *
   * @throws IllegalStateException if the thread is interrupted (its interrupt flag is then set again)
   */
  public static void run(int fakeInstances, String endpoint, int etcdInstances, PrintStream out) {
    try {
      measure(fakeInstances, endpoint, etcdInstances, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
  }

  private static void measure(int fakeInstances, String endpoint, int etcdInstances, PrintStream out)
      throws InterruptedException {
    try (FakeRegistry fake = FakeRegistry.create()) {
      out.printf(Locale.ROOT, "| memory: heap retained per instance, FakeRegistry | %d bytes (n=%d) | - | - |%n",
          perInstance(fake, fakeInstances), fakeInstances);
    }
    if (endpoint != null) {
      try (EtcdRegistry etcd = EtcdRegistry.builder().withEndpoints(endpoint)
          .withNamespace("/registrykit-bench-memory-" + Long.toHexString(System.nanoTime())).build()) {
        out.printf(Locale.ROOT, "| memory: heap retained per registration, EtcdRegistry client | %d bytes (n=%d) | - | - |%n",
            perInstance(etcd, etcdInstances), etcdInstances);
      }
    }
  }

  private static long perInstance(Registry registry, int n) throws InterruptedException {
    registry.register(ServiceInstance.of("warm", "up", "http://10.0.0.1:5000"), Duration.ofSeconds(60));
    long before = usedAfterGc();
    List<Object> registrations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      registrations.add(registry.register(
          ServiceInstance.of("memory", "instance-" + i, "http://10.0." + (i >> 8 & 255) + "." + (i & 255) + ":5000"),
          Duration.ofSeconds(60)));
    }
    long after = usedAfterGc();
    long per = (after - before) / n;
    if (registrations.size() != n) {
      throw new IllegalStateException("lost registrations");
    }
    return per;
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100); // a benchmark harness, not a test: let the collector settle
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
