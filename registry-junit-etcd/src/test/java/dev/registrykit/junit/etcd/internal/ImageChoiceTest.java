package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Which image runs: the annotation's, else -Dregistrykit.etcd.image, else REGISTRYKIT_ETCD_IMAGE, else the default. */
class ImageChoiceTest {

  static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static final String LOCAL_IMAGE = "registrykit/etcd-local:debian";

  @EtcdRegistryTest(image = LOCAL_IMAGE, lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = "registrykit.fixture", matches = "true")
  static class WithImageAttribute {
    @Test
    void runs(dev.registrykit.junit.etcd.EtcdHandle etcd) {
      SEEN.add(etcd.source());
    }
  }

  @Test
  void theAnnotationsImageWinsOverTheProperty() {
    Needs.require(String.valueOf(System.getenv("REGISTRYKIT_ETCD_IMAGE")).startsWith("registrykit/etcd-local:"),
        "REGISTRYKIT_ETCD_IMAGE naming one of the local images that scripts/provision.sh builds (it also tags "
            + LOCAL_IMAGE + ")", Settings.required());
    SEEN.clear();
    System.setProperty("registrykit.fixture", "true");
    System.setProperty(Settings.IMAGE, "registrykit/no-such-image:never");
    try {
      EngineTestKit.engine("junit-jupiter").selectors(selectClass(WithImageAttribute.class)).execute()
          .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    } finally {
      System.clearProperty(Settings.IMAGE);
      System.clearProperty("registrykit.fixture");
    }
    assertThat(SEEN).containsExactly("container");
  }

  @Test
  void thePropertyWinsOverTheEnvironment() {
    Map<String, String> environment = Map.of("REGISTRYKIT_ETCD_IMAGE", "example/etcd:from-environment");

    assertThat(Settings.of(Map.of(Settings.IMAGE, "example/etcd:from-property"), environment).value(Settings.IMAGE))
        .contains("example/etcd:from-property");
    assertThat(Settings.of(Map.of(Settings.IMAGE, " "), environment).value(Settings.IMAGE)).as("a blank property")
        .contains("example/etcd:from-environment");
    assertThat(Settings.of(Map.of(), environment).value(Settings.IMAGE)).contains("example/etcd:from-environment");
  }

  @Test
  void theDefaultIsAPinnedOfficialRelease() {
    assertThat(EtcdRegistryTest.DEFAULT_IMAGE).matches("gcr\\.io/etcd-development/etcd:v3\\.[56]\\.\\d+");
    assertThat(Settings.envName(Settings.IMAGE)).isEqualTo("REGISTRYKIT_ETCD_IMAGE");
  }
}
