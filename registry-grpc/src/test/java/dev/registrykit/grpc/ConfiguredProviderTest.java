package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.junit.Backend;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;

/**
 * The provider grpc loads by itself (no registry given): it connects to the etcd named by {@code
 * registrykit.endpoints} and {@code registrykit.namespace}, as an application configures it.
 */
@RegistryTest(backends = Backend.ETCD)
class ConfiguredProviderTest {

  @RegistryTest
  void aChannelResolvesOnTheEtcdOfTheConfiguration(Registry registry, BackendControls backend, EtcdHandle etcd,
      RegistryTime time) throws InterruptedException {
    assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("registrykit"))
        .as("the provider loaded from META-INF/services, no other registered")
        .isInstanceOf(RegistrykitNameResolverProvider.class);
    System.setProperty("registrykit.endpoints", etcd.endpoints().get(0).toString());
    System.setProperty("registrykit.namespace", backend.namespace());
    try (IdServers servers = IdServers.start(2)) {
      registry.register(servers.instance("greeter", "s-1"), Duration.ofSeconds(2));
      registry.register(servers.instance("greeter", "s-2"), Duration.ofSeconds(2));
      ManagedChannel channel = Grpc.newChannelBuilder("registrykit:///greeter", InsecureChannelCredentials.create())
          .defaultLoadBalancingPolicy("round_robin").build();
      try {
        Awaitility.await().atMost(time.eventuallyTimeout()).ignoreExceptions()
            .untilAsserted(() -> assertThat(Channels.answering(channel, 12)).isEqualTo(Set.of("s-1", "s-2")));
      } finally {
        Channels.shutDown(channel);
      }
    } finally {
      System.clearProperty("registrykit.endpoints");
      System.clearProperty("registrykit.namespace");
    }
  }
}
