package dev.registrykit.junit.etcd;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.Backend;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTest;
import io.etcd.jetcd.Client;

/**
 * A user's tests on a test class path with registry-junit-etcd and JUnit only: what this artifact
 * brings is all the etcd toolkit needs, on both backends, down to the raw jetcd client.
 */
class EtcdToolkitTest {

  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");

  @RegistryTest
  void anInstanceIsListedAndItsKeyWrittenOnEitherBackend(Registry registry, BackendControls backend) {
    registry.register(ORDERS);

    assertThat(registry).hasInstance(ORDERS);
    assertThat(backend.getRaw("orders", "i-1")).isPresent();
  }

  @RegistryTest(backends = Backend.ETCD)
  void theHandleAndTheRawClientOfTheEtcdAreInjected(EtcdHandle etcd, Client client) {
    assertThat(etcd.endpoints()).isNotEmpty();
    assertThat(etcd.client()).isSameAs(client);
  }
}
