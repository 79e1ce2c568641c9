package dev.registrykit.examples.readme;

import static dev.registrykit.junit.RegistryAssertions.assertThat;

import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

// tag::fake-quick-start[]
@FakeRegistryTest
class OrdersLeaseTest {
  @Test
  void aCrashedInstanceIsGoneAfterItsTtl(FakeRegistry registry, FakeClock clock) {
    var orders = registry.register(ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"), Duration.ofSeconds(30));
    registry.crash(orders);                        // keep-alive stops, the key stays
    clock.advance(Duration.ofSeconds(31));         // the lease runs out, right here
    assertThat(registry).doesNotHaveInstance(orders.instance());
  }
}
// end::fake-quick-start[]
