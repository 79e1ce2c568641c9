package dev.registrykit.examples.readme;

import static dev.registrykit.junit.RegistryAssertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;

// tag::both-backends[]
class OrdersOnBothTest {
  static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");

  @RegistryTest                                    // runs as [fake], then as [etcd]
  void aCrashedInstanceIsGoneAfterItsTtl(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(1));
    time.crash(registration);
    time.awaitExpiry(registration);                // fake: the clock jumps; etcd: ~1.2 s
    assertThat(registry).doesNotHaveInstance(ORDERS);
  }

  @RegistryTest
  void anOutageLongerThanTheTtlIsSurvived(Registry registry, BackendControls backend, RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(1));
    backend.makeUnavailable();                     // connection lost: calls fail, the lease runs out
    time.eventually(() -> assertThat(registration).isLost());
    backend.heal();
    time.eventually(() -> assertThat(registration).isActive()); // registered again, on a new lease
    assertThat(registry).hasInstance(ORDERS);
  }
}
// end::both-backends[]
