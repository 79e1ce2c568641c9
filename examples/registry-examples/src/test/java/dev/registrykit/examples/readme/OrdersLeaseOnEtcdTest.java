package dev.registrykit.examples.readme;

import static dev.registrykit.junit.RegistryAssertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

// tag::etcd-quick-start[]
@EtcdRegistryTest
class OrdersLeaseOnEtcdTest {
  @Test
  void aCrashedInstanceIsGoneAfterItsTtl(Registry registry, RegistryTime time) {
    ServiceInstance orders = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");
    Registration registration = registry.register(orders, Duration.ofSeconds(1));
    time.crash(registration);
    time.awaitExpiry(registration);                // waits until the key is gone: ~1.2 s
    assertThat(registry).doesNotHaveInstance(orders);
  }
}
// end::etcd-quick-start[]
