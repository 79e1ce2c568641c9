package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The whole etcd stopped for longer than the TTL, then started again with its data. etcd's lessor
 * renews every lease it had to TTL + election timeout when it comes back, so the key of the lost
 * lease is still there: recovery must take it over on a new lease, with the newest data the
 * application gave, and leave neither a second key nor the old lease behind.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdRestartIntegrationTest {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final ServiceInstance V1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance V2 = V1.withAddress("http://10.0.0.2:5000");
  private static final ServiceInstance OTHER = ServiceInstance.of("orders", "i-2", "http://10.0.0.3:5000");

  private static List<String> recordStates(Registration registration) {
    List<String> states = new CopyOnWriteArrayList<>();
    registration.addListener((r, from, to) -> states.add(from + "->" + to));
    return states;
  }

  private static String prefix(Registry registry) {
    return ((EtcdRegistry) registry).namespace() + "/orders/";
  }

  private static String keyOf(Registry registry, ServiceInstance instance) {
    return InstanceCodec.key(((EtcdRegistry) registry).namespace(), instance);
  }

  /** Stopped, waited past the TTL, started: the outage lasts this long at least. */
  private static void stopLongerThanTheTtl(EtcdHandle etcd, RegistryTime time, Registration... lost) {
    long stopped = System.nanoTime();
    etcd.stop();
    for (Registration registration : lost) {
      time.eventually(() -> assertThat(registration).isLost());
    }
    Duration left = TTL.plusMillis(500).minusNanos(System.nanoTime() - stopped);
    if (!left.isNegative()) {
      time.elapse(left);
    }
    etcd.start();
    System.out.println("etcd was down " + (System.nanoTime() - stopped) / 1_000_000 + " ms (TTL " + TTL + ")");
  }

  @Test
  void reRegisteredBeforeTheOutageComesBackOnANewLeaseWithTheNewestDataAndNoGhost(
      Registry registry, EtcdHandle etcd, RegistryTime time, Client client) throws Exception {
    EtcdRegistry etcdRegistry = (EtcdRegistry) registry;
    Set<Long> leasesBefore = EtcdLoadRaw.leaseIds(etcd.endpoints().get(0));
    Registration first = registry.register(V1, TTL);
    Registration newest = registry.register(V2, TTL); // the application moved: same id, new address
    Registration other = registry.register(OTHER, TTL);
    long newestLease = EtcdTestAccess.leaseId(etcdRegistry, newest);
    long otherLease = EtcdTestAccess.leaseId(etcdRegistry, other);
    List<String> states = recordStates(newest);
    assertThat(first).isClosed();

    stopLongerThanTheTtl(etcd, time, newest, other);
    long started = System.nanoTime();

    time.eventually(() -> assertThat(newest).isActive());
    time.eventually(() -> assertThat(other).isActive());
    System.out.println("restarted -> both ACTIVE after " + (System.nanoTime() - started) / 1_000_000 + " ms");
    assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
    assertThat(EtcdTestAccess.leaseId(etcdRegistry, newest)).as("lease after recovery").isNotEqualTo(newestLease);
    assertThat(EtcdTestAccess.leaseId(etcdRegistry, other)).as("lease after recovery").isNotEqualTo(otherLease);
    assertThat(EtcdLoadRaw.value(client, keyOf(registry, V1))).as("the key holds the newest data")
        .isEqualTo(InstanceCodec.encode(V2));
    assertThat(EtcdLoadRaw.count(client, prefix(registry))).as("keys under " + prefix(registry)).isEqualTo(2);
    time.eventually(() -> assertThat(EtcdLoadRaw.leaseIds(etcd.endpoints().get(0)))
        .as("leases now").doesNotContain(newestLease, otherLease)
        .containsAll(List.of(EtcdTestAccess.leaseId(etcdRegistry, newest), EtcdTestAccess.leaseId(etcdRegistry, other))));

    // Past the time the restarted lessor gave the old leases (TTL + election timeout), and then some:
    // nothing reappears, nothing is lost, and only the two live leases are ours.
    time.elapse(TTL.plus(TTL));
    assertThat(newest).isActive();
    assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
    assertThat(registry.instances("orders")).containsExactlyInAnyOrder(V2, OTHER);
    assertThat(EtcdLoadRaw.count(client, prefix(registry))).isEqualTo(2);
    Set<Long> ours = new HashSet<>(EtcdLoadRaw.leaseIds(etcd.endpoints().get(0)));
    ours.removeAll(leasesBefore);
    assertThat(ours).as("leases this test left")
        .containsExactlyInAnyOrder(EtcdTestAccess.leaseId(etcdRegistry, newest), EtcdTestAccess.leaseId(etcdRegistry, other));
  }

  @Test
  void reRegisteredDuringTheOutageTheNewestDataWinsOverTheRecoveredCopy(
      Registry registry, EtcdHandle etcd, RegistryTime time, Client client) throws Exception {
    EtcdRegistry etcdRegistry = (EtcdRegistry) registry;
    Set<Long> leasesBefore = EtcdLoadRaw.leaseIds(etcd.endpoints().get(0));
    Registration first = registry.register(V1, TTL);
    long firstLease = EtcdTestAccess.leaseId(etcdRegistry, first);

    long stopped = System.nanoTime();
    etcd.stop();
    time.eventually(() -> assertThat(first).isLost());
    assertThatThrownBy(() -> registry.register(V2, TTL)).as("registering while etcd is down")
        .isInstanceOf(RegistryUnavailableException.class);
    Duration left = TTL.plusMillis(500).minusNanos(System.nanoTime() - stopped);
    if (!left.isNegative()) {
      time.elapse(left);
    }
    etcd.start();

    // The application retries its registration as soon as etcd is back, racing the recovery of the
    // older copy: whichever writes first, the newest data must be what stays.
    Registration newest = registry.register(V2, TTL);
    assertThat(first).isClosed();
    time.eventually(() -> assertThat(EtcdLoadRaw.value(client, keyOf(registry, V1))).isEqualTo(InstanceCodec.encode(V2)));
    time.elapse(TTL.plus(TTL)); // old lease renewed by the restarted lessor runs out; recovery would have run
    assertThat(newest).isActive();
    assertThat(registry.instances("orders")).containsExactly(V2);
    assertThat(EtcdLoadRaw.count(client, prefix(registry))).isEqualTo(1);
    Set<Long> ours = new HashSet<>(EtcdLoadRaw.leaseIds(etcd.endpoints().get(0)));
    ours.removeAll(leasesBefore);
    assertThat(ours).as("leases this test left (the first lease was " + firstLease + ")")
        .containsExactly(EtcdTestAccess.leaseId(etcdRegistry, newest));
  }
}
