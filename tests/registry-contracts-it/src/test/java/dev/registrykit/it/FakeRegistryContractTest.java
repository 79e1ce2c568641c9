package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.contract.RegistryContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract on the fake, with etcd's timing as the toolkit starts it (1 s minimum TTL). */
@FakeRegistryTest(minimumTtlSeconds = 1)
class FakeRegistryContractTest extends RegistryContract {

  /**
   * Pins a documented difference: the fake removes an expired key at its first expiry check after
   * the TTL, exactly every 500 ms of its clock; etcd's checks come about every 500 ms.
   */
  @Test
  void differenceTheFakeExpiresAtTheFirstCheckAfterTheTtl(FakeRegistry registry, RegistryTime time) {
    registry.clock().advance(Duration.ofMillis(250)); // between two checks
    var registration = registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), Duration.ofSeconds(5));
    registry.crash(registration);

    registry.clock().advance(Duration.ofSeconds(5));
    assertThat(registry.instances("orders")).as("at its TTL, before the next check").hasSize(1);
    registry.clock().advance(Duration.ofMillis(250).minusNanos(1));
    assertThat(registry.instances("orders")).hasSize(1);
    registry.clock().advance(Duration.ofNanos(1));
    assertThat(registry.instances("orders")).as("at the check").isEmpty();
    assertThat(time.expiryMargin()).isEqualTo(Duration.ofMillis(500));
  }

  /**
   * Pins a documented difference: the fake counts the writes to its own store, from 1 before the
   * first, so two fakes number alike and neither moves the other's revisions; etcd's revision is the
   * whole cluster's.
   */
  @Test
  void differenceRevisionsCountTheWritesToThisFakesStoreOnly(FakeRegistry registry) {
    List<RegistryEvent> events = new ArrayList<>();
    registry.watchAll(events::add);
    FakeRegistry other = FakeRegistry.create();
    assertThat(registry.revision()).as("a fresh fake's revision").isEqualTo(1);

    registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), Duration.ofSeconds(30));
    other.register(ServiceInstance.of("orders", "x-1", "http://h:9"), Duration.ofSeconds(30));
    other.putRaw("/services/orders/x-2", "{\"Id\":\"x-2\",\"Name\":\"orders\",\"Address\":\"http://h:9\"}");
    registry.register(ServiceInstance.of("orders", "i-2", "http://h:2"), Duration.ofSeconds(30));

    assertThat(events).extracting(RegistryEvent::revision).containsExactly(2L, 3L);
    assertThat(other.revision()).as("the other fake's, after its two writes").isEqualTo(3);
    assertThat(registry.revision()).isEqualTo(3);
  }

  /** Pins a documented difference: the fake's minimum TTL is a setting. */
  @Test
  void differenceTheMinimumTtlIsASetting(Registry registry) {
    assertThat(registry.register(ServiceInstance.of("a", "1", "http://h:1"), Duration.ofSeconds(1)).ttl())
        .isEqualTo(Duration.ofSeconds(1));
    FakeRegistry etcdDefaults = FakeRegistry.create();
    assertThat(etcdDefaults.register(ServiceInstance.of("a", "1", "http://h:1"), Duration.ofSeconds(1)).ttl())
        .isEqualTo(Duration.ofSeconds(2));
  }
}
