package dev.registrykit.junit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check for the etcd toolkit's libraries. On a class path without them, registry-fake-consumer
 * runs it through the engine (EtcdToolkitWithoutItsLibrariesTest); here they are all present.
 */
class EtcdLibrariesTest {

  @Test
  void findsNothingMissingWhereRegistryJunitsOwnTestsRun() {
    assertThatCode(() -> EtcdLibraries.require("@EtcdRegistryTest")).doesNotThrowAnyException();
    assertThat(EtcdLibraries.missing(file -> getClass().getClassLoader().getResource(file) != null)).isEmpty();
  }

  @Test
  void namesEachMissingLibraryByItsCoordinates() {
    assertThat(EtcdLibraries.missing(file -> false))
        .containsExactly("dev.registrykit:registry-etcd", "io.etcd:jetcd-core", "org.testcontainers:testcontainers");
    assertThat(EtcdLibraries.missing(file -> !file.startsWith("org/testcontainers/")))
        .containsExactly("org.testcontainers:testcontainers");
  }

  @Test
  void theMessageNamesTheRunTheMissingLibrariesAndTheArtifactToAdd() {
    assertThat(EtcdLibraries.message("@RegistryTest [etcd]", List.of("org.testcontainers:testcontainers")))
        .isEqualTo("@RegistryTest [etcd] runs on a real etcd, and the etcd toolkit needs org.testcontainers:testcontainers "
            + "on the test class path, which is not there: add dev.registrykit:registry-junit-etcd in test scope (it "
            + "brings registry-junit, registry-etcd, jetcd and Testcontainers). registry-junit alone is the fake "
            + "toolkit: @FakeRegistryTest, and @RegistryTest(backends = Backend.FAKE)");
  }
}
