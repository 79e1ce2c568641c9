package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.Backend;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 28 on a real channel, on the fake and on etcd: Go services registered as etcd's Go {@code
 * naming/endpoints} users do (address-keyed, id-keyed, {@code Addr} without a port) are called like
 * ours; one entry whose address cannot be dialled (an international host, an IPv6 zone, port 0 or
 * 65536) is left out while the channel keeps following every other instance.
 */
class GoLayoutsChannelTest {

  private static final String GREETER = "GoGreeter";
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final int ROUND = 12;

  // issue 28, defect 1: 0 of 20 calls got through, "no instance of GoGreeter is registered"
  @RegistryTest
  void goEndpointsKeyedByAddressAndById(Registry registry, BackendControls backend, RegistryTime time) {
    try (IdServers servers = IdServers.start(2); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      String byAddress = "127.0.0.1:" + servers.port("s-1");
      backend.putRaw(GREETER, byAddress, "{\"Op\":0,\"Addr\":\"" + byAddress + "\",\"Metadata\":null}");
      backend.putRaw(GREETER, "e2", "{\"Op\":0,\"Addr\":\"127.0.0.1:" + servers.port("s-2") + "\"}");
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));

      assertThat(registry.instances(GREETER)).extracting(ServiceInstance::instanceId)
          .containsExactlyInAnyOrder("127.0.0.1%3A" + servers.port("s-1"), "e2");
      backend.deleteRaw(GREETER, byAddress); // Go's DeleteEndpoint
      channels.awaitAnswering(channel, ROUND, Set.of("s-2"));
    }
  }

  // issue 28, defect 4: a NullPointerException in GrpcAddresses, then DEADLINE_EXCEEDED "waiting for name_resolver"
  @RegistryTest
  void oneUndialableEntryNeverStopsTheChannel(Registry registry, BackendControls backend, RegistryTime time) {
    try (IdServers servers = IdServers.start(3); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(servers.instance(GREETER, "s-1"), TTL);
      registry.register(ServiceInstance.of(GREETER, "intl", "http://héte.invalid:5000"), TTL);
      registry.register(ServiceInstance.of(GREETER, "zone", "http://[fe80::1%25nosuch9]:5000"), TTL);
      registry.register(ServiceInstance.of(GREETER, "port0", "http://127.0.0.1:0"), TTL);
      registry.register(ServiceInstance.of(GREETER, "port65536", "http://127.0.0.1:65536"), TTL);
      backend.putRaw(GREETER, "go-zone", "{\"Addr\":\"[fe80::1%nosuch9]:5000\"}");
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.awaitAnswering(channel, ROUND, Set.of("s-1"));

      registry.register(servers.instance(GREETER, "s-2"), TTL); // the channel still follows the service
      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));
      backend.putRaw(GREETER, "go-3", "{\"Addr\":\"127.0.0.1:" + servers.port("s-3") + "\"}");
      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2", "s-3"));
    }
  }

  @RegistryTest
  void whenEveryInstanceIsUndialableTheFailureSaysHowManyWereLeftOut(Registry registry, RegistryTime time) {
    try (Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(ServiceInstance.of(GREETER, "port0", "http://127.0.0.1:0"), TTL);
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.await(() -> assertThatThrownBy(() -> Channels.call(channel))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription())
                .isEqualTo("none of the 1 instances of " + GREETER + " has a usable gRPC address");
          }));
    }
  }

  // issue 28, defect 3: Go's etcd:///services/X follows "services/X/", which no registrykit namespace could name
  @RegistryTest(backends = Backend.FAKE)
  void aNamespaceWithoutALeadingSlashOnTheFake(BackendControls backend, RegistryTime time) {
    try (FakeRegistry goGuide = FakeRegistry.builder().withNamespace("services").build()) {
      goGuideLayoutIsCalled(goGuide, "services", time, goGuide::putRaw);
    }
  }

  @RegistryTest(backends = Backend.ETCD)
  void aNamespaceWithoutALeadingSlashOnEtcd(BackendControls backend, EtcdHandle etcd, RegistryTime time) {
    String namespace = backend.namespace().substring(1); // the same root, without its leading '/'
    try (EtcdRegistry goGuide = EtcdRegistry.builder().withEndpoints(etcd.endpoints()).withNamespace(namespace).build()) {
      goGuideLayoutIsCalled(goGuide, namespace, time, (key, value) -> EtcdctlGoNamingTest.etcdctl(etcd, "put", key, value));
    }
  }

  private interface RawPut {
    void put(String key, String value);
  }

  private static void goGuideLayoutIsCalled(Registry registry, String namespace, RegistryTime time, RawPut raw) {
    try (IdServers servers = IdServers.start(2)) {
      String addr = "127.0.0.1:" + servers.port("s-1");
      raw.put(namespace + "/" + GREETER + "/" + addr, "{\"Addr\":\"" + addr + "\"}"); // as the Go guide writes
      registry.register(servers.instance(GREETER, "s-2"), TTL);
      try (Channels channels = new Channels(registry, time.eventuallyTimeout())) {
        ManagedChannel channel = channels.roundRobin(GREETER);

        channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));
        assertThat(namespace).doesNotStartWith("/");
      }
    }
  }

  // issue 28, defect 5: "Addr":"null:9090", or no Addr at all without grpc.port
  @Test
  void withGoNamingAddrRefusesAnInstanceWithoutAPortAndWritesTheAsciiHost() {
    try (FakeRegistry goFriendly = FakeRegistry.builder().withGoNamingAddr().build()) {
      assertThatThrownBy(() -> goFriendly.register(ServiceInstance.of(GREETER, "i-1", "https://greeter.example")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no port (neither its address https://greeter.example nor a grpc.port metadata "
              + "entry has one)");
      assertThat(goFriendly.allInstances()).as("nothing written").isEmpty();

      goFriendly.register(ServiceInstance.of(GREETER, "i-2", "http://héte:5000").withMetadata("grpc.port", "9090"));

      assertThat(goFriendly.getRaw(goFriendly.namespace() + "/" + GREETER + "/i-2")).get().asString()
          .endsWith(",\"Addr\":\"xn--hte-bma:9090\"}");
    }
  }
}
