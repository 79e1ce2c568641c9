package dev.registrykit.examples;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The example service's own tests, written once as its authors would: {@link OrderShippingServiceTest}
 * runs them on the fake (milliseconds), {@link OrderShippingServiceOnEtcdTest} on a real etcd.
 */
abstract class OrderShippingServiceBehaviour {

  private static final Duration TTL = Duration.ofSeconds(3);
  private final List<String> log = new CopyOnWriteArrayList<>();

  private OrderShippingService start(Registry registry, int n) {
    return OrderShippingService.start(registry, "i-" + n, "http://10.0.0." + n + ":5000", TTL, log::add);
  }

  @Test
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

  @Test
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

  @Test
  void shuttingDownDeregistersAtOnceAndHandsOverLeadership(Registry registry, RegistryTime time) {
    OrderShippingService one = start(registry, 1);
    OrderShippingService two = start(registry, 2);

    one.close();

    assertThat(registry).doesNotHaveInstance(one.instance()).hasInstances(OrderShippingService.SERVICE, 1);
    time.eventually(() -> assertThat(two.candidacy()).isLeading());
    assertThat(one.candidacy()).isResigned();
  }
}
