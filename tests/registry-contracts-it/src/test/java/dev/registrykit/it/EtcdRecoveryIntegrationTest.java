package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Recovery on a real etcd that the tests pause and stop: each test has an etcd of its own, since
 * these faults would hit anyone sharing it.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_METHOD)
class EtcdRecoveryIntegrationTest {

  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration LONGER_THAN_TTL = Duration.ofMillis(2500);

  private static List<String> recordStates(Registration registration) {
    List<String> states = new CopyOnWriteArrayList<>();
    registration.addListener((r, from, to) -> states.add(from + "->" + to));
    return states;
  }

  private static long keysOf(Client client, Registry registry) throws Exception {
    String prefix = ((EtcdRegistry) registry).namespace() + "/orders/";
    return client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).withCountOnly(true).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getCount();
  }

  @Test
  void pausedLongerThanTheTtlTheRegistrationIsLostThenRegisteredAgain(
      Registry registry, EtcdHandle etcd, RegistryTime time, Client client) throws Exception {
    Registration registration = registry.register(ORDERS, TTL);
    List<String> states = recordStates(registration);

    etcd.pause();
    long paused = System.nanoTime();
    try {
      time.eventually(() -> assertThat(registration).isLost());
      System.out.println("paused -> LOST after " + (System.nanoTime() - paused) / 1_000_000 + " ms (TTL 1 s)");
      time.elapse(LONGER_THAN_TTL);
    } finally {
      etcd.unpause();
    }
    long unpaused = System.nanoTime();

    time.eventually(() -> assertThat(registration).isActive());
    System.out.println("unpaused -> ACTIVE after " + (System.nanoTime() - unpaused) / 1_000_000 + " ms");
    time.eventually(() -> assertThat(registry).hasInstance(ORDERS));
    time.eventually(() -> assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE")); // heard on the events thread
    assertThat(keysOf(client, registry)).as("keys of orders").isEqualTo(1);
    time.elapse(Duration.ofMillis(2500)); // kept alive on its new lease
    assertThat(registry).hasInstance(ORDERS);
  }

  @Test
  void stoppedLongerThanTheTtlTheRegistrationIsLostThenRegisteredAgain(
      Registry registry, EtcdHandle etcd, RegistryTime time, Client client) throws Exception {
    Registration registration = registry.register(ORDERS, TTL);
    List<String> states = recordStates(registration);
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);

    etcd.stop();
    time.eventually(() -> assertThat(registration).isLost());
    time.elapse(LONGER_THAN_TTL);
    etcd.start();

    time.eventually(() -> assertThat(registration).isActive());
    time.eventually(() -> assertThat(registry).hasInstance(ORDERS));
    time.eventually(() -> assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE")); // heard on the events thread
    assertThat(keysOf(client, registry)).isEqualTo(1);

    ServiceInstance later = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");
    registry.register(later, Duration.ofSeconds(30));
    time.eventually(() -> assertThat(events).sawAdded(later));
    assertThat(events).hasIncreasingRevisions();
  }

  @Test
  void withRecoveryOffALostRegistrationStaysLost(EtcdHandle etcd, Client client, RegistryTime time) {
    try (EtcdRegistry registry = EtcdRegistry.builder().withClient(client).withNamespace("/no-recovery")
        .withRecovery(Recovery.disabled()).withCallTimeout(Bounds.callTimeout()).build()) {
      Registration registration = registry.register(ORDERS, TTL);

      etcd.pause();
      try {
        time.eventually(() -> assertThat(registration).isLost());
      } finally {
        etcd.unpause();
      }
      time.elapse(Duration.ofSeconds(2));

      assertThat(registration).isLost();
      assertThat(registry).doesNotHaveInstance(ORDERS);
    }
  }

  /**
   * With etcd out of reach, {@code close()} revokes every lease at once and waits one call timeout,
   * not one per registration (5 here). The call timeout is 1 s on a quiet machine, scaled through
   * {@code TimeScale}; the window, from just under one timeout to three, is measured in timeouts, so
   * it never closes however large the scale, and five timeouts stay outside it.
   */
  @Test
  void closingWhileEtcdIsOutOfReachTakesOneCallTimeoutNotOnePerRegistration(
      EtcdHandle etcd, Client client, RegistryTime time) {
    Duration callTimeout = TimeScale.scaled(Duration.ofSeconds(1));
    EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString())
        .withNamespace("/closing").withCallTimeout(callTimeout).build();
    List<Registration> registrations = new java.util.ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      registrations.add(registry.register(ServiceInstance.of("orders", "i-" + i, "http://10.0.0.1:500" + i), TTL));
    }

    etcd.pause();
    long start = System.nanoTime();
    long millis;
    try {
      registry.close();
      millis = (System.nanoTime() - start) / 1_000_000;
    } finally {
      etcd.unpause();
    }

    System.out.println("close() of 5 registrations with etcd paused took " + millis + " ms (call timeout "
        + callTimeout.toMillis() + " ms)");
    // not before the timeout (a timer never fires early: load-free), and well before five of them
    assertThat(millis).as("ms to close 5 registrations with etcd out of reach, call timeout %s", callTimeout)
        .isBetween(callTimeout.multipliedBy(9).dividedBy(10).toMillis(), callTimeout.multipliedBy(3).toMillis());
    assertThat(registrations).allSatisfy(r -> assertThat(r).isClosed());
    time.eventually(() -> assertThat(client.getKVClient().get(ByteSequence.from("/closing/", StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).withCountOnly(true).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getCount())
        .as("keys left once their leases ran out").isZero());
  }

  @Test
  void aWatchResumesAfterEtcdRestartsWithNothingRepeated(Registry registry, EtcdHandle etcd, RegistryTime time) {
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    registry.register(ORDERS, Duration.ofSeconds(30));
    time.eventually(() -> assertThat(events).hasEventCount(1));

    etcd.stop();
    etcd.start();
    ServiceInstance after = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");
    time.eventually(() -> assertThat(registry.instances("orders")).contains(ORDERS));
    registry.register(after, Duration.ofSeconds(30));

    time.eventually(() -> assertThat(events).sawAdded(after));
    assertThat(events).hasEventCount(2).hasIncreasingRevisions().replaysTo(registry.instances("orders"));
  }

  /**
   * A grant that etcd answers only after the lease's TTL (etcd paused while register waits): the
   * lease's time is counted from when the grant was sent, so the registration would be LOST as soon
   * as register returned it, and registered again with another lease. register renews such a lease
   * before returning it instead, and counts its time from that renewal.
   */
  @Test
  void aRegisterThatWaitedLongerThanTheTtlForItsGrantReturnsALiveRegistration(EtcdHandle etcd, RegistryTime time)
      throws Exception {
    Duration ttl = Duration.ofSeconds(2);
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString())
        .withNamespace("/slow-grant").withCallTimeout(TimeScale.scaled(Duration.ofSeconds(10))).build()) { // one attempt outlasts the pause
      registry.instances("orders"); // connected
      etcd.pause();
      CompletableFuture<Registration> registering;
      try {
        registering = CompletableFuture.supplyAsync(() -> registry.register(ORDERS, ttl));
        time.elapse(Duration.ofMillis(2500));
      } finally {
        etcd.unpause();
      }
      Registration registration = registering.get(TimeScale.scaled(Duration.ofSeconds(10)).toNanos(), TimeUnit.NANOSECONDS);
      long lease = EtcdTestAccess.leaseId(registry, registration);
      List<String> states = recordStates(registration);

      time.elapse(ttl.plusSeconds(1));

      assertThat(states).as("state changes after register returned").isEmpty();
      assertThat(EtcdTestAccess.leaseId(registry, registration)).as("lease").isEqualTo(lease);
      assertThat(registration).isActive();
      assertThat(registry).hasInstance(ORDERS);
    }
  }
}
