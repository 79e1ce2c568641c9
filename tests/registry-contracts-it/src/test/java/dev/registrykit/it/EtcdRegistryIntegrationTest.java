package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.InvalidEntry;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.RegistryEvent.Updated;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * EtcdRegistry against a real etcd (one shared by this class's tests, each in its own namespace):
 * what is particular to etcd (leases, raw keys, the origin's JSON on the wire). The behaviour both
 * backends share is proven by {@link EtcdRegistryContractTest}.
 */
@EtcdRegistryTest
class EtcdRegistryIntegrationTest {

  private static final ServiceInstance ORDERS_1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance ORDERS_2 = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static String namespace(Registry registry) {
    return ((EtcdRegistry) registry).namespace();
  }

  @Test
  void listsAnInstanceTheOriginsRecipeWroteOnItsOwnLease(Registry registry, Client client) throws Exception {
    String guid = UUID.randomUUID().toString();
    long lease = client.getLeaseClient().grant(30).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getID();
    client.getKVClient().put(bytes(namespace(registry) + "/OrderShippingService/" + guid),
        bytes("{\"Id\":\"" + guid + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}"),
        PutOption.builder().withLeaseId(lease).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);

    assertThat(registry.instances("OrderShippingService"))
        .containsExactly(ServiceInstance.of("OrderShippingService", guid, "http://localhost:5000"));
    assertThat(registry.services()).containsExactly("OrderShippingService");
  }

  @Test
  void writesExactlyTheOriginsJsonOnALease(Registry registry, Client client) throws Exception {
    String guid = UUID.randomUUID().toString();
    Registration registration = registry.register(
        ServiceInstance.of("OrderShippingService", guid, "http://localhost:5000"), Duration.ofSeconds(30));

    List<KeyValue> kvs = client.getKVClient().get(bytes(namespace(registry) + "/OrderShippingService/" + guid))
        .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getKvs();

    assertThat(kvs).hasSize(1);
    assertThat(kvs.get(0).getValue().toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"Id\":\"" + guid + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");
    assertThat(kvs.get(0).getLease()).isEqualTo(EtcdTestAccess.leaseId((EtcdRegistry) registry, registration));
    assertThat(client.getLeaseClient().timeToLive(kvs.get(0).getLease(), LeaseOption.DEFAULT).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS)
        .getGrantedTTL()).isEqualTo(30);
  }

  @Test
  void skipsAndReportsValuesThatAreNotInstances(Registry registry, Client client) throws Exception {
    List<InvalidEntry> invalid = new CopyOnWriteArrayList<>();
    try (EtcdRegistry reporting = EtcdRegistry.builder().withClient(client).withNamespace(namespace(registry))
        .withInvalidEntryListener(invalid::add).withCallTimeout(Bounds.callTimeout()).build()) {
      reporting.register(ORDERS_1, Duration.ofSeconds(30));
      client.getKVClient().put(bytes(namespace(registry) + "/orders/broken"), bytes("{oops")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      client.getKVClient().put(bytes(namespace(registry) + "/orders/partial"), bytes("{\"Id\":\"partial\",\"Name\":\"orders\"}"))
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);

      assertThat(reporting.instances("orders")).containsExactly(ORDERS_1);
      assertThat(reporting.allInstances()).containsExactly(ORDERS_1);
      assertThat(invalid).extracting(InvalidEntry::key).startsWith(
          namespace(registry) + "/orders/broken", namespace(registry) + "/orders/partial");
      assertThat(invalid.get(1).reason()).isEqualTo("value lacks \"Address\"");
    }
  }

  @Test
  void grantsTheTtlEtcdGrants(Registry registry) {
    assertThat(registry.register(ORDERS_1, ONE_SECOND).ttl()).isEqualTo(ONE_SECOND);
    assertThat(registry.register(ORDERS_2, Duration.ofSeconds(7)).ttl()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aCrashedInstanceIsGoneWithinItsTtlPlusTheExpiryMarginAndWatchersSeeRemoved(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, ONE_SECOND);
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);

    long start = System.nanoTime();
    time.crash(registration);
    time.awaitExpiry(registration);
    long millis = (System.nanoTime() - start) / 1_000_000;

    // the margin (1.5 s, times registrykit.time.scale) covers BENCHMARKS.md figure 5: p99 1,399-1,500 ms
    System.out.println("crash -> gone after " + millis + " ms (TTL 1 s, margin " + time.expiryMargin().toMillis() + " ms)");
    assertThat(millis).as("ms from crash to gone, TTL 1 s").isLessThanOrEqualTo(ONE_SECOND.plus(time.expiryMargin()).toMillis());
    time.eventually(() -> assertThat(events).sawAdded(ORDERS_1).sawRemoved(ORDERS_1).hasEventCount(2));
    time.eventually(() -> assertThat(registration).isLost());
  }

  @Test
  void deregistrationDeletesTheKeyAtOnceAndRevokesTheLease(Registry registry, Client client, RegistryTime time)
      throws Exception {
    Registration registration = registry.register(ORDERS_1, Duration.ofSeconds(30));
    long lease = EtcdTestAccess.leaseId((EtcdRegistry) registry, registration);
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);

    registration.close();

    assertThat(registry.instances("orders")).isEmpty();
    assertThat(registration).isClosed();
    assertThat(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getTTL())
        .as("TTL of the revoked lease").isEqualTo(-1);
    time.eventually(() -> assertThat(events).sawRemoved(ORDERS_1));
  }

  @Test
  void reRegisteringAnIdUpdatesItAndRetiresTheOldRegistration(Registry registry, Client client, RegistryTime time)
      throws Exception {
    Registration first = registry.register(ORDERS_1, Duration.ofSeconds(30));
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");

    Registration second = registry.register(moved, Duration.ofSeconds(30));

    assertThat(first).as("the old registration, right after the second register").isClosed();
    assertThat(second).isActive();
    first.close(); // harmless now: the key is on the second's lease
    assertThat(registry.instances("orders")).containsExactly(moved);
    KeyValue kv = client.getKVClient().get(bytes(namespace(registry) + "/orders/i-1")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getKvs().get(0);
    assertThat(kv.getLease()).isEqualTo(EtcdTestAccess.leaseId((EtcdRegistry) registry, second));
    time.eventually(() -> assertThat(events.events()).hasSize(2)
        .satisfies(e -> assertThat(e.get(0)).isEqualTo(new Added(ORDERS_1, e.get(0).revision())))
        .satisfies(e -> assertThat(e.get(1)).isEqualTo(new Updated(moved, ORDERS_1, e.get(1).revision()))));
  }

  @Test
  void aWatchStartedLateSeesThePresentThenEveryChangeOnce(Registry registry, RegistryTime time) {
    registry.register(ORDERS_2, Duration.ofSeconds(30));
    Registration one = registry.register(ORDERS_1, Duration.ofSeconds(30));
    registry.register(ServiceInstance.of("billing", "b-1", "http://h:7"), Duration.ofSeconds(30));
    RecordingListener events = new RecordingListener();

    Subscription watch = registry.watch("orders", events);
    one.close();
    ServiceInstance three = ServiceInstance.of("orders", "i-3", "http://h:3");
    registry.register(three, Duration.ofSeconds(30));

    time.eventually(() -> assertThat(events).hasEventCount(4));
    List<RegistryEvent> seen = events.events();
    assertThat(seen).extracting(RegistryEvent::instance).containsExactly(ORDERS_2, ORDERS_1, ORDERS_1, three);
    assertThat(seen).extracting(e -> e.getClass().getSimpleName()).containsExactly("Added", "Added", "Removed", "Added");
    assertThat(events).hasIncreasingRevisions();

    watch.close();
    registry.register(ServiceInstance.of("orders", "i-4", "http://h:4"), Duration.ofSeconds(30));
    time.elapse(TimeScale.scaled(Duration.ofMillis(300))); // as long, on a loaded machine, as a quiet one's 300 ms
    assertThat(events).hasEventCount(4);
  }

  @Test
  void closingTheRegistryClosesItsRegistrationsAndWatches(Registry registry, Client client, RegistryTime time)
      throws Exception {
    RecordingListener events = new RecordingListener();
    RecordingListener witness = new RecordingListener();
    registry.watch("orders", witness);
    Registration registration;
    try (EtcdRegistry own = EtcdRegistry.builder().withClient(client).withNamespace(namespace(registry))
        .withCallTimeout(Bounds.callTimeout()).build()) {
      registration = own.register(ORDERS_1, Duration.ofSeconds(30));
      own.watch("orders", events);
      time.eventually(() -> assertThat(events).hasEventCount(1));
      own.close();
      assertThatThrownBy(() -> own.instances("orders"))
          .isInstanceOf(RegistryClosedException.class)
          .hasMessage("instances refused: this EtcdRegistry is closed");
    }
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(registry.instances("orders")).as("deregistered at once by close()").isEmpty();
    client.getKVClient().put(bytes(namespace(registry) + "/orders/i-2"),
        bytes("{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);

    // another registry's watch hears the deregistration and the later write, so both reached etcd's watchers
    time.eventually(() -> assertThat(witness.events()).extracting(e -> e.getClass().getSimpleName() + " "
        + e.instance().instanceId()).containsExactly("Added i-1", "Removed i-1", "Added i-2"));
    assertThat(events.events()).as("what the closed registry's watch heard").containsExactly(
        new Added(ORDERS_1, events.events().get(0).revision()));
  }

  @Test
  void theLifecycleHelperRegistersOnStartAndDeregistersOnClose(EtcdHandle etcd, Registry registry) {
    dev.registrykit.etcd.RegistrationConfig config = dev.registrykit.etcd.RegistrationConfig.fromEnvironment(java.util.Map.of(
        "REGISTRYKIT_ENDPOINTS", etcd.endpoints().get(0).toString(),
        "REGISTRYKIT_NAMESPACE", namespace(registry),
        "REGISTRYKIT_SERVICE_NAME", "OrderShippingService",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://localhost:5000",
        "REGISTRYKIT_INSTANCE_ID", "app-1"));

    try (dev.registrykit.etcd.ServiceRegistrar registrar = dev.registrykit.etcd.ServiceRegistrar.start(config)) {
      assertThat(registry.instances("OrderShippingService"))
          .containsExactly(ServiceInstance.of("OrderShippingService", "app-1", "http://localhost:5000"));
      assertThat(registrar.registration().ttl()).isEqualTo(Duration.ofSeconds(30));
    }
    assertThat(registry.instances("OrderShippingService")).isEmpty();
  }
}
