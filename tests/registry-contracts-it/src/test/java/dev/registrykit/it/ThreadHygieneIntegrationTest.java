package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * An EtcdRegistry that owns its client leaves no thread behind. Alone in its class, and registry-it
 * runs every class in a JVM of its own: gRPC's shared executor lives while any client in the JVM
 * does, so another test's client would keep its threads up.
 */
@EtcdRegistryTest
class ThreadHygieneIntegrationTest {

  @Test
  void closeLeavesNoThreadBehind(EtcdHandle etcd) {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    List<String> leftover = new ArrayList<>();
    int[] during = new int[1];
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString())
        .withNamespace("/thread-hygiene").withCallTimeout(Bounds.callTimeout()).build()) {
      ServiceInstance orders = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
      registry.register(orders, Duration.ofSeconds(1));
      registry.watch("orders", event -> { });
      assertThat(registry.instances("orders")).containsExactly(orders);
      during[0] = Thread.getAllStackTraces().size();
      assertThat(during[0]).as("threads while the registry runs").isGreaterThan(before.size());
    }
    long closed = System.nanoTime();
    // jetcd's, vert.x's and gRPC's pools wind down asynchronously (gRPC releases its shared
    // executor 1 s after the last client): allow them up to 5 s on a quiet machine, scaled.
    Awaitility.await().pollInSameThread().pollInterval(Duration.ofMillis(100))
        .atMost(TimeScale.scaled(Duration.ofSeconds(5)))
        .untilAsserted(() -> {
          leftover.clear();
          for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(thread) && thread.isAlive()) {
              leftover.add(thread.getName());
            }
          }
          assertThat(leftover).as("threads started by the registry and still alive after close()").isEmpty();
        });
    System.out.println("threads: " + before.size() + " before build(), " + during[0] + " while running, "
        + Thread.getAllStackTraces().size() + " after close(); all registry threads gone "
        + (System.nanoTime() - closed) / 1_000_000 + " ms after close()");
  }
}
