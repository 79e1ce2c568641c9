package dev.registrykit.examples;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RegistryBackend;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The example service's own tests, written once as its authors would: every test runs on the fake
 * ({@code [fake]}, milliseconds: time jumps) and on a real etcd ({@code [etcd]}, seconds).
 */
class OrderShippingServiceTest {

  private static final Duration TTL = Duration.ofSeconds(3);
  private final List<String> log = new CopyOnWriteArrayList<>();

  private OrderShippingService start(Registry registry, int n) {
    return OrderShippingService.start(registry, "i-" + n, "http://10.0.0." + n + ":5000", TTL, log::add);
  }

  @RegistryTest
  void registersListsPeersAndOnlyTheLeaderMigrates(Registry registry) {
    OrderShippingService one = start(registry, 1);
    OrderShippingService two = start(registry, 2);
    OrderShippingService three = start(registry, 3);

    assertThat(two.peers()).extracting(ServiceInstance::instanceId).containsExactly("i-1", "i-3");
    assertThat(one.isLeader()).isTrue();
    assertThat(one.migrationsRun()).hasSize(1);
    assertThat(two.migrationsRun()).isEmpty();
    assertThat(three.migrationsRun()).isEmpty();
  }

  @RegistryTest
  void aCrashedLeaderDisappearsAfterItsTtlAndAPeerTakesOverTheMigration(Registry registry, RegistryTime time) {
    OrderShippingService one = start(registry, 1);
    OrderShippingService two = start(registry, 2);
    long firstToken = one.migrationsRun().get(0);

    time.crash(one.registration());
    time.crash(one.candidacy());
    time.awaitExpiry(one.registration());

    assertThat(registry).doesNotHaveInstance(one.instance());
    assertThat(two.peers()).isEmpty();
    time.eventually(() -> assertThat(two.candidacy()).isLeading());
    time.eventually(() -> assertThat(two.migrationsRun()).singleElement().satisfies(
        token -> assertThat(token).isGreaterThan(firstToken)));
  }

  @RegistryTest
  void shuttingDownDeregistersAtOnceAndHandsOverLeadership(Registry registry, RegistryTime time) {
    OrderShippingService one = start(registry, 1);
    OrderShippingService two = start(registry, 2);

    one.close();

    assertThat(registry).doesNotHaveInstance(one.instance()).hasInstances(OrderShippingService.SERVICE, 1);
    time.eventually(() -> assertThat(two.candidacy()).isLeading());
    assertThat(one.candidacy()).isResigned();
  }

  @RegistryTest
  void anOutageLongerThanTheTtlLosesTheRegistrationUntilTheRegistryIsBack(
      Registry registry, RegistryBackend backend, RegistryTime time) {
    OrderShippingService one = start(registry, 1);

    backend.makeUnavailable();
    try {
      time.elapse(TTL.plusSeconds(1));
      time.eventually(() -> assertThat(one.registration()).isLost());
    } finally {
      backend.heal();
    }

    time.eventually(() -> assertThat(one.registration()).isActive());
    time.eventually(() -> assertThat(registry.instances(OrderShippingService.SERVICE)).containsExactly(one.instance()));
  }
}
