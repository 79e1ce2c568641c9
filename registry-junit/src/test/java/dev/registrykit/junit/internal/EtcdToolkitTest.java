package dev.registrykit.junit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * registry-junit's own tests run without registry-junit-etcd, as a fake-only project does: the etcd
 * toolkit is not found, and neither is any etcd library. registry-fake-only-consumer runs the annotations
 * through the engine there (EtcdToolkitWithoutItsLibrariesTest); registry-junit-etcd's tests find it.
 */
class EtcdToolkitTest {

  @Test
  void isNotFoundWithoutRegistryJunitEtcdAndSaysWhatToAdd() {
    assertThatThrownBy(() -> EtcdToolkit.require("@RegistryTest [etcd]"))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage("@RegistryTest [etcd] runs on a real etcd, and the etcd toolkit is dev.registrykit:registry-junit-etcd, "
            + "which is not on the test class path: add it in test scope (it brings registry-junit, registry-etcd, jetcd "
            + "and Testcontainers). registry-junit alone is the fake toolkit: @FakeRegistryTest, and "
            + "@RegistryTest(backends = Backend.FAKE)");
  }

  @Test
  void noEtcdLibraryIsOnRegistryJunitsClassPath() {
    ClassLoader loader = getClass().getClassLoader();
    assertThat(List.of("dev/registrykit/etcd/EtcdRegistry.class", "io/etcd/jetcd/Client.class",
        "org/testcontainers/DockerClientFactory.class"))
        .allSatisfy(file -> assertThat(loader.getResource(file)).as(file).isNull());
  }
}
