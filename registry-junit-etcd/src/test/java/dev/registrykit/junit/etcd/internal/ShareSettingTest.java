package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code registrykit.etcd.share}: {@code jvm} by default, {@code machine} on request, nothing else. */
class ShareSettingTest {

  @AfterEach
  void clear() {
    System.clearProperty(Settings.SHARE);
  }

  @Test
  void eachTestJvmHasItsOwnEtcdUnlessTheMachineIsAsked() {
    assertThat(Settings.sharedByMachine()).isFalse();
    System.setProperty(Settings.SHARE, "jvm");
    assertThat(Settings.sharedByMachine()).isFalse();
    System.setProperty(Settings.SHARE, "Machine");
    assertThat(Settings.sharedByMachine()).isTrue();
  }

  @Test
  void anyOtherValueIsRefusedWithTheTwoThatWork() {
    System.setProperty(Settings.SHARE, "true");
    assertThatThrownBy(Settings::sharedByMachine).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.etcd.share must be jvm (each test JVM its own etcd) or machine (the test JVMs of "
            + "this machine share one container) but was: \"true\"");
  }

  @Test
  void theSharedContainersNameFollowsFromTheImageAlone() {
    assertThat(SharedContainer.name("registrykit/etcd-local:v3.5.30"))
        .isEqualTo(SharedContainer.name("registrykit/etcd-local:v3.5.30"))
        .startsWith("registrykit-shared-etcd-")
        .isNotEqualTo(SharedContainer.name("registrykit/etcd-local:v3.4.23"));
  }
}
