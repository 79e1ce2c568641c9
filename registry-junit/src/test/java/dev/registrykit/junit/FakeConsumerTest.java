package dev.registrykit.junit;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Written as a consumer would, on the fake: the same body as EtcdConsumerTest, in microseconds. */
@FakeRegistryTest
class FakeConsumerTest {

  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");

  @RegistryResource
  private FakeClock clockField;

  @Test
  void aCrashedInstanceDisappearsAfterItsTtl(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(30));
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);

    time.crash(registration);
    time.awaitExpiry(registration);

    assertThat(registry).doesNotHaveInstance(ORDERS);
    assertThat(events).sawAdded(ORDERS).sawRemoved(ORDERS).hasEventCount(2);
    assertThat(registration).isLost();
  }

  @Test
  void awaitingTheExpiryOfALiveRegistrationFails(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(30));

    assertThatThrownBy(() -> time.awaitExpiry(registration))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting orders/i-1 to expire within PT30.5S but it was still registered"
            + " (was it crashed? a live registration keeps its lease alive)");
  }

  @Test
  void eventuallyLetsFakeTimePassInStepsUntilTheAssertionHoldsAndThrowsWhatItThrows(
      FakeRegistry registry, RegistryTime time) {
    var orders = registry.register(ORDERS, Duration.ofSeconds(2));
    Instant start = registry.clock().instant();
    time.eventually(() -> assertThat(registry).hasInstance(ORDERS));
    assertThat(registry.clock().instant()).as("no time passes for what holds at once").isEqualTo(start);

    time.crash(orders);
    time.eventually(() -> assertThat(registry).doesNotHaveInstance(ORDERS));
    assertThat(Duration.between(start, registry.clock().instant()))
        .as("fake time until the crashed lease was gone").isBetween(Duration.ofSeconds(2), Duration.ofMillis(2_550));

    Instant failing = registry.clock().instant();
    assertThatThrownBy(() -> time.eventually(() -> assertThat(registry).hasInstances("orders", 2)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Still failing after PT10S (checked every 50 ms): Expecting registry to have 2 instance(s) of "
            + "orders but found 0: [] (fake time)");
    assertThat(Duration.between(failing, registry.clock().instant())).isEqualTo(time.eventuallyTimeout());
    assertThatThrownBy(() -> time.eventually(() -> {
      throw new java.io.IOException("checked, thrown as is");
    })).isInstanceOf(java.io.IOException.class).hasMessage("checked, thrown as is");
  }

  @Test
  void everyTestGetsAFreshRegistryAndTheParametersAgree(Registry registry, FakeRegistry fake, FakeClock clock) {
    assertThat(registry.allInstances()).isEmpty();
    assertThat(fake).isSameAs(registry);
    assertThat(clock).isSameAs(fake.clock()).isSameAs(clockField);
    assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START);
    registry.register(ORDERS, Duration.ofSeconds(30));
  }

  @Test
  void theFakeGrantsEtcdsDefaultMinimumTtl(Registry registry) {
    assertThat(registry.register(ORDERS, Duration.ofSeconds(1)).ttl()).isEqualTo(Duration.ofSeconds(2));
  }
}
