package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The injected registry cut off from etcd ({@link BackendControls#makeUnavailable()} cuts only its
 * connections) while another registry, talking to etcd directly, goes on changing it: what the
 * cut-off one hears and does once it is back. The shared etcd is not harmed.
 */
@EtcdRegistryTest
class EtcdPartitionIntegrationTest {

  private static final Duration LONG_TTL = Duration.ofSeconds(30);
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");
  private static final ServiceInstance C = ServiceInstance.of("orders", "c", "http://10.0.0.3:5000");
  private static final ServiceInstance D = ServiceInstance.of("orders", "d", "http://10.0.0.4:5000");
  private static final ServiceInstance E = ServiceInstance.of("orders", "e", "http://10.0.0.5:5000");

  /** A registry on the same namespace that the cut does not reach. */
  private static EtcdRegistry direct(EtcdHandle etcd, Registry cutOff) {
    return EtcdRegistry.builder().withClient(etcd.client())
        .withNamespace(((EtcdRegistry) cutOff).namespace())
        .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(1)))
        .build();
  }

  private static String describe(RegistryEvent event) {
    return event.getClass().getSimpleName() + " " + event.instance().instanceId() + " " + event.instance().address();
  }

  @Test
  void aWatchCutOffWhileHistoryIsCompactedHearsExactlyTheDifferencesOnceBack(
      Registry cutOff, BackendControls backend, EtcdHandle etcd, Client client, RegistryTime time) throws Exception {
    try (EtcdRegistry registry = direct(etcd, cutOff)) {
      Registration a = registry.register(A, LONG_TTL);
      registry.register(B, LONG_TTL);
      RecordingListener events = new RecordingListener();
      cutOff.watch("orders", events);
      time.eventually(() -> assertThat(events).hasEventCount(2));

      backend.makeUnavailable();
      a.close();
      ServiceInstance movedB = B.withAddress("http://10.0.0.22:5000");
      registry.register(movedB, LONG_TTL);
      registry.register(C, LONG_TTL);
      registry.register(D, LONG_TTL).close(); // came and went while the watch was cut off
      long revision = client.getKVClient().get(ByteSequence.from("/", StandardCharsets.UTF_8))
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getHeader().getRevision();
      client.getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(true).build())
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      backend.heal();

      time.eventually(() -> assertThat(events).hasEventCount(5));
      assertThat(events.events().subList(2, 5)).extracting(EtcdPartitionIntegrationTest::describe)
          .as("what the watcher hears after the cut: the differences, nothing of D")
          .containsExactlyInAnyOrder(
              "Removed a http://10.0.0.1:5000", "Updated b http://10.0.0.22:5000", "Added c http://10.0.0.3:5000");
      assertThat(((RegistryEvent.Updated) events.events().stream()
          .filter(RegistryEvent.Updated.class::isInstance).findFirst().orElseThrow()).previous()).isEqualTo(B);
      assertThat(events).replaysTo(registry.instances("orders"));

      registry.register(E, LONG_TTL);
      time.eventually(() -> assertThat(events).sawAdded(E).hasEventCount(6));
      assertThat(events).replaysTo(registry.instances("orders"));
    }
  }

  @Test
  void recoveryNeverOverwritesANewerRegistrationOfTheSameIdAndTakesTheKeyBackOnceItIsGone(
      Registry cutOff, BackendControls backend, EtcdHandle etcd, RegistryTime time) throws Exception {
    try (EtcdRegistry registry = direct(etcd, cutOff)) {
      Registration old = cutOff.register(A, Duration.ofSeconds(1));
      List<String> states = new CopyOnWriteArrayList<>();
      old.addListener((r, from, to) -> states.add(from + "->" + to));

      backend.makeUnavailable();
      time.eventually(() -> assertThat(old).isLost());
      time.eventually(() -> assertThat(registry).doesNotHaveInstance(A)); // its lease ran out on etcd
      ServiceInstance newer = A.withAddress("http://10.0.0.99:5000");
      Registration taken = registry.register(newer, LONG_TTL);
      backend.heal();

      time.eventually(() -> assertThat(cutOff.instances("orders")).containsExactly(newer)); // it reaches etcd again
      // several recovery attempts (backoff at most 500 ms), as many on a loaded machine as on a quiet one
      time.elapse(TimeScale.scaled(Duration.ofMillis(1500)));
      assertThat(old).as("recovery must not overwrite the newer registration").isLost();
      assertThat(registry.instances("orders")).containsExactly(newer);

      taken.close();
      time.eventually(() -> assertThat(old).isActive());
      time.eventually(() -> assertThat(registry.instances("orders")).containsExactly(A));
      assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
    }
  }
}
