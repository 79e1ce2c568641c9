package dev.registrykit.junit;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Written as a consumer would: the annotation, the registry, the time helper, the assertions. */
@EtcdRegistryTest
class EtcdConsumerTest {

  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");

  @Test
  void aCrashedInstanceDisappearsAfterItsTtl(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(1));
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    assertThat(registry).hasInstance(ORDERS);

    time.crash(registration);
    time.awaitExpiry(registration);

    assertThat(registry).doesNotHaveInstance(ORDERS);
    time.eventually(() -> assertThat(events).sawAdded(ORDERS).sawRemoved(ORDERS).hasEventCount(2));
    time.eventually(() -> assertThat(registration).isLost());
  }

  @Test
  void aClosedRegistrationIsGoneAtOnce(Registry registry) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(30));

    registration.close();

    assertThat(registry).doesNotHaveInstance(ORDERS).hasInstances("orders", 0);
    assertThat(registration).isClosed();
  }

  @Test
  void aClosedRegistrationsKeyIsGoneForOtherClientsToo(Registry registry, BackendControls backend, Client client,
      RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(30));
    ByteSequence key = ByteSequence.from(backend.namespace() + "/orders/i-1", StandardCharsets.UTF_8);
    time.eventually(() -> assertThat(client.getKVClient().get(key).get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).getCount()).isOne());

    registration.close();

    time.eventually(() -> assertThat(client.getKVClient().get(key).get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).getCount()).isZero());
  }

  @Test
  void aLiveInstanceOutlivesThreeTtls(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS, Duration.ofSeconds(1));

    time.elapse(Duration.ofMillis(3200));

    assertThat(registry).hasInstance(ORDERS);
    assertThat(registration).isActive();
  }
}
