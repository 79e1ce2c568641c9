package dev.registrykit.examples;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.examples.MigrationLog.Entry;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The example service's own tests, written once: every test runs on the fake ({@code [fake]},
 * milliseconds: time jumps) and on a real etcd ({@code [etcd]}, seconds). The migration job runs on
 * the thread that hears of the leadership (a direct executor), so it needs no waiting of its own.
 */
class OrderShippingServiceTest {

  private static final Duration TTL = Duration.ofSeconds(3);
  private final MigrationLog log = MigrationLog.ofBatches(3);
  private final List<String> events = new CopyOnWriteArrayList<>();

  private OrderShippingService start(Registry registry, int n) {
    return Instances.instance(registry, n, TTL, log, events::add).withExecutor(Runnable::run).start();
  }

  @RegistryTest
  void registersListsPeersAndOnlyTheLeaderMigrates(Registry registry, RegistryTime time) {
    OrderShippingService one = start(registry, 1);
    OrderShippingService two = start(registry, 2);
    OrderShippingService three = start(registry, 3);

    assertThat(two.peers()).extracting(ServiceInstance::instanceId).containsExactly("i-1", "i-3");
    assertThat(one.isLeader()).isTrue();
    time.eventually(() -> assertThat(log.entries()).extracting(Entry::instanceId).containsExactly("i-1", "i-1", "i-1"));
    assertThat(two.isMigrating()).isFalse();
    assertThat(three.isMigrating()).isFalse();
    assertThat(events).noneMatch(event -> event.startsWith("i-2") || event.startsWith("i-3"));
  }

  @RegistryTest
  void aCrashedLeaderDisappearsAfterItsTtlAndAPeerTakesOverTheMigrations(Registry registry, RegistryTime time) {
    OrderShippingService one = start(registry, 1);
    OrderShippingService two = start(registry, 2);
    time.eventually(() -> assertThat(log.isComplete()).isTrue());
    long firstToken = log.highestToken();

    time.crash(one.registration());
    time.crash(one.candidacy());
    time.awaitExpiry(one.registration());

    assertThat(registry).doesNotHaveInstance(one.instance());
    assertThat(two.peers()).isEmpty();
    time.eventually(() -> assertThat(two.candidacy()).isLeading());
    assertThat(two.candidacy().fencingToken().orElseThrow()).isGreaterThan(firstToken);
    time.eventually(() -> assertThat(events).contains("i-2 finds the migration complete"));
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
      Registry registry, BackendControls backend, RegistryTime time) {
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
