package dev.registrykit.consumer;

import static dev.registrykit.junit.RegistryAssertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A user's lease-expiry tests on the fake, on a test class path with registry-junit and JUnit only:
 * the fake toolkit (extension, {@code RegistryTime}, {@code BackendControls}, the assertions and
 * {@code RecordingListener}) runs without registry-etcd, jetcd or Testcontainers.
 */
@FakeRegistryTest
class OrdersLeaseTest {

  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");

  @Test
  void aCrashedInstanceIsGoneAfterItsTtl(FakeRegistry registry, FakeClock clock) {
    Registration orders = registry.register(ORDERS, Duration.ofSeconds(30));
    registry.crash(orders);                        // keep-alive stops, the key stays

    clock.advance(Duration.ofSeconds(29));
    assertThat(registry).hasInstance(ORDERS);
    clock.advance(Duration.ofSeconds(2));          // the lease runs out, right here

    assertThat(registry).doesNotHaveInstance(ORDERS);
    assertThat(orders).isLost();
  }

  @Test
  void aWatcherHearsTheExpiryAndARegistrationOutlivesAnOutage(Registry registry, RegistryTime time,
      BackendControls backend) {
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    Registration orders = registry.register(ORDERS, Duration.ofSeconds(2));

    backend.makeUnavailable();                     // the lease runs out while the registry is cut off
    time.eventually(() -> assertThat(orders).isLost());
    backend.heal();
    time.eventually(() -> assertThat(orders).isActive()); // registered again, on a new lease

    assertThat(registry).hasInstance(ORDERS);
    assertThat(events).sawAdded(ORDERS).sawRemoved(ORDERS);
  }
}
