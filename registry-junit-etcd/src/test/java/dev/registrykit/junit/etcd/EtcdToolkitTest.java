package dev.registrykit.junit.etcd;

import static dev.registrykit.junit.RegistryAssertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;

/**
 * A user's test on both backends, on a test class path with registry-junit-etcd and JUnit only:
 * what this artifact brings is all the etcd toolkit needs.
 */
class EtcdToolkitTest {

  @RegistryTest
  void aCrashedInstanceIsGoneAfterItsTtl(Registry registry, RegistryTime time) {
    ServiceInstance orders = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");
    Registration registration = registry.register(orders, Duration.ofSeconds(1));

    time.crash(registration);
    time.awaitExpiry(registration);

    assertThat(registry).doesNotHaveInstance(orders);
  }
}
