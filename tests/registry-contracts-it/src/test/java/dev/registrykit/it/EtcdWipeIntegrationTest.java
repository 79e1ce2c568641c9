package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;

/**
 * etcd loses its data (a fresh etcd at the same endpoint, revisions starting again from 1) under
 * running registries: registrations come back on new leases, and watchers, which hold no lease and
 * so hear nothing from keep-alive, resynchronise by listing and emit the differences, then go on
 * hearing changes whose revisions are now far below the ones they saw before.
 */
class EtcdWipeIntegrationTest {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final String NAMESPACE = "/wiped";
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");
  private static final ServiceInstance C = ServiceInstance.of("orders", "c", "http://10.0.0.3:5000");
  private static final ServiceInstance D = ServiceInstance.of("orders", "d", "http://10.0.0.4:5000");
  private static final int HISTORY = 100;

  /**
   * A registry on the wiped etcd. Its call timeout is the toolkit's own (2 s, scaled): the first grant on
   * a fresh client in a fresh JVM is the slowest call of the test, and 1 s, even scaled, was not enough
   * for it under load (issue 26); recovery stays quick through its backoff, not through the timeout.
   */
  private static EtcdRegistry registry(EtcdWipeableEtcd etcd) {
    return EtcdRegistry.builder().withEndpoints(etcd.endpoint()).withNamespace(NAMESPACE)
        .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(2)))
        .withRecovery(Recovery.withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))).build();
  }

  private static void eventually(ThrowingRunnable assertion) {
    Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(TimeScale.scaled(Duration.ofSeconds(15))).untilAsserted(assertion);
  }

  private static String id(ServiceInstance instance) {
    return instance.serviceName() + "/" + instance.instanceId();
  }

  /** {@code state} after {@code events}; fails if their revisions go down. */
  private static Map<String, ServiceInstance> replay(Map<String, ServiceInstance> state, List<RegistryEvent> events) {
    Map<String, ServiceInstance> result = new TreeMap<>(state);
    long previous = 0;
    for (RegistryEvent event : events) {
      assertThat(event.revision()).as("revision of %s after %s in %s", event, previous, events)
          .isGreaterThanOrEqualTo(previous);
      previous = event.revision();
      if (event instanceof RegistryEvent.Removed) {
        result.remove(id(event.instance()));
      } else {
        result.put(id(event.instance()), event.instance());
      }
    }
    return result;
  }

  private static Map<String, ServiceInstance> byId(List<ServiceInstance> instances) {
    Map<String, ServiceInstance> result = new TreeMap<>();
    instances.forEach(instance -> result.put(id(instance), instance));
    return result;
  }

  @Test
  void afterAWipeRegistrationsComeBackAndWatchersEmitTheDifferencesAndHearNewChanges() throws Exception {
    try (EtcdWipeableEtcd etcd = new EtcdWipeableEtcd();
         Client raw = Client.builder().endpoints(etcd.endpoint()).build();
         EtcdRegistry registering = registry(etcd);
         EtcdRegistry watching = registry(etcd)) {
      Registration a = registering.register(A, TTL);
      Registration b = registering.register(B, TTL);
      long leaseA = EtcdTestAccess.leaseId(registering, a);
      // Another program's key, on no lease: the wipe takes it and nothing brings it back.
      raw.getKVClient().put(bytes(InstanceCodec.key(NAMESPACE, C)), bytes(InstanceCodec.encode(C)))
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      // History elsewhere, so that the revisions the watchers saw are far above a fresh etcd's.
      List<CompletableFuture<?>> puts = new ArrayList<>();
      for (int i = 0; i < HISTORY; i++) {
        puts.add(raw.getKVClient().put(bytes("/elsewhere/" + i), bytes("x")));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(TimeScale.scaled(Duration.ofSeconds(10)).toNanos(), TimeUnit.NANOSECONDS);

      RecordingListener orders = new RecordingListener();
      RecordingListener all = new RecordingListener();
      watching.watch("orders", orders);
      registering.watchAll(all);
      eventually(() -> assertThat(orders).hasEventCount(3));
      eventually(() -> assertThat(all).hasEventCount(3));
      Map<String, ServiceInstance> beforeWipe = byId(List.of(A, B, C));
      long revisionBefore = raw.getKVClient().get(bytes("/")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getHeader().getRevision();

      long wiped = System.nanoTime();
      etcd.wipe();

      eventually(() -> assertThat(a).isActive());
      eventually(() -> assertThat(b).isActive());
      eventually(() -> assertThat(registering.instances("orders")).containsExactlyInAnyOrder(A, B));
      System.out.println("wiped -> registrations back after " + (System.nanoTime() - wiped) / 1_000_000 + " ms");
      assertThat(EtcdTestAccess.leaseId(registering, a)).isNotEqualTo(leaseA);
      long revisionAfter = raw.getKVClient().get(bytes("/")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getHeader().getRevision();
      assertThat(revisionAfter).as("etcd's revision after the wipe, below %s before", revisionBefore)
          .isLessThan(revisionBefore);

      for (RecordingListener events : List.of(orders, all)) {
        eventually(() -> assertThat(replay(beforeWipe, events.events().subList(3, events.events().size())))
            .as("the watcher's view after the wipe: %s", events)
            .isEqualTo(byId(List.of(A, B))));
      }
      assertThat(orders).sawRemoved(C);
      System.out.println("watcher after the wipe: " + orders.events().subList(3, orders.events().size()));

      // New changes on the fresh etcd carry small revisions: they must be heard, not skipped as repeats.
      registering.register(D, TTL);
      b.close();
      for (RecordingListener events : List.of(orders, all)) {
        eventually(() -> assertThat(events).sawAdded(D).sawRemoved(B));
        eventually(() -> assertThat(replay(beforeWipe, events.events().subList(3, events.events().size())))
            .isEqualTo(byId(List.of(A, D))));
      }
      assertThat(watching.instances("orders")).containsExactlyInAnyOrder(A, D);
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
