package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Interop with the origin recipe at its literal keys, {@code /services/OrderShippingService/<guid>}
 * (shared/seed-format.md), through a registry built with no namespace at all. The other interop
 * tests write under a test namespace; this class has an etcd of its own, so the default root is
 * free for it.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdDefaultRootInteropIntegrationTest {

  private static final String SERVICE = "OrderShippingService";
  private static final String ADDRESS = "http://localhost:5000";

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  /** The value the origin writes: .NET's System.Text.Json of an anonymous object, PascalCase. */
  private static String originJson(String guid) {
    return "{\"Id\":\"" + guid + "\",\"Name\":\"" + SERVICE + "\",\"Address\":\"" + ADDRESS + "\"}";
  }

  private static List<KeyValue> everythingUnderServices(Client client) throws Exception {
    return client.getKVClient().get(bytes("/services/"), GetOption.builder().isPrefix(true).build())
        .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getKvs();
  }

  @Test
  void listsWhatTheOriginWroteAtTheDefaultRootOnItsOwnLease(Client client) throws Exception {
    String guid = UUID.randomUUID().toString();
    long lease = client.getLeaseClient().grant(30).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getID();
    client.getKVClient().put(bytes("/services/" + SERVICE + "/" + guid), bytes(originJson(guid)),
        PutOption.builder().withLeaseId(lease).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
    try (EtcdRegistry registry = EtcdRegistry.builder().withClient(client).withCallTimeout(Bounds.callTimeout()).build()) {

      assertThat(registry.namespace()).isEqualTo("/services");
      assertThat(registry.instances(SERVICE)).containsExactly(ServiceInstance.of(SERVICE, guid, ADDRESS));
      assertThat(registry.services()).containsExactly(SERVICE);
    } finally {
      client.getLeaseClient().revoke(lease).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Test
  void writesExactlyWhatTheOriginWritesAtTheDefaultRootAndDeletesItOnClose(Client client) throws Exception {
    String guid = UUID.randomUUID().toString();
    try (EtcdRegistry registry = EtcdRegistry.builder().withClient(client).withCallTimeout(Bounds.callTimeout()).build()) {
      Registration registration = registry.register(ServiceInstance.of(SERVICE, guid, ADDRESS), Duration.ofSeconds(30));

      List<KeyValue> kvs = everythingUnderServices(client);

      assertThat(kvs).extracting(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
          .containsExactly("/services/" + SERVICE + "/" + guid);
      assertThat(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo(originJson(guid));
      assertThat(kvs.get(0).getLease()).as("the key's lease").isEqualTo(EtcdTestAccess.leaseId(registry, registration));
      assertThat(client.getLeaseClient().timeToLive(kvs.get(0).getLease(), LeaseOption.DEFAULT)
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getGrantedTTL()).isEqualTo(30);
    }
    assertThat(everythingUnderServices(client)).as("keys under /services after close()").isEmpty();
  }
}
