package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.etcd.EtcdRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The etcd of the configuration: opened once for every resolver, closed with the last (no etcd contacted). */
class ConfiguredRegistryTest {

  @Test
  void opensTheConfiguredEtcdOnceAndClosesItWhenTheLastUserReleasesIt() {
    ConfiguredRegistry configured = new ConfiguredRegistry(
        Map.of("registrykit.namespace", "/apps")::get,
        Map.of("REGISTRYKIT_ENDPOINTS", "http://127.0.0.1:1, http://127.0.0.1:2", "REGISTRYKIT_NAMESPACE", "/ignored")::get);

    Registry first = configured.acquire();
    Registry second = configured.acquire();

    assertThat(second).isSameAs(first);
    assertThat(first).isInstanceOf(EtcdRegistry.class)
        .hasToString("EtcdRegistry[[http://127.0.0.1:1, http://127.0.0.1:2]/apps]"); // property wins over environment
    configured.release();
    assertThat(((EtcdRegistry) first).namespace()).isEqualTo("/apps");
    configured.release();
    assertThatThrownBy(() -> first.watch("orders", event -> { })).isInstanceOf(RegistryClosedException.class);
    assertThat(configured.acquire()).as("a later resolver opens it again").isNotSameAs(first);
    configured.release();
  }

  @Test
  void defaultsToTheLocalEtcdAndTheOriginsNamespace() {
    ConfiguredRegistry configured = new ConfiguredRegistry(key -> null, key -> " ");
    try {
      assertThat(configured.acquire()).hasToString("EtcdRegistry[[http://localhost:2379]/services]");
    } finally {
      configured.release();
    }
  }

  @Test
  void readsAuthAndTlsAsRegistrationConfigDoesNamingABadKey() {
    ConfiguredRegistry configured = new ConfiguredRegistry(key -> null,
        Map.of("REGISTRYKIT_AUTH_PASSWORD", "secret", "REGISTRYKIT_ENDPOINTS", "http://127.0.0.1:1")::get);
    assertThatThrownBy(configured::acquire).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.auth.user / REGISTRYKIT_AUTH_USER and registrykit.auth.password / "
            + "REGISTRYKIT_AUTH_PASSWORD go together but only registrykit.auth.password / REGISTRYKIT_AUTH_PASSWORD is set");
    ConfiguredRegistry https = new ConfiguredRegistry(key -> null,
        Map.of("REGISTRYKIT_ENDPOINTS", "https://127.0.0.1:1", "REGISTRYKIT_TLS_CA_FILE", "pom.xml")::get);
    assertThatThrownBy(https::acquire).as("the CA file is read: pom.xml holds no certificate")
        .hasMessageContaining("tls could not be set up");
  }
}
