package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.registrykit.Registry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Docker running but the etcd image not to be had (an air-gapped or proxied CI): through the engine,
 * with an image on a registry that does not exist. The extension must not sit in Testcontainers' pull
 * retries for minutes: a forced container fails within seconds naming the image and the ways out, and
 * the automatic choice goes on to the etcd binary.
 */
class UnpullableImageTest {

  static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static final String FIXTURE = "registrykit.fixture";
  private static final String UNPULLABLE = "registrykit.invalid/etcd:0";
  /**
   * Docker fails such a pull in well under a second here; the bound, times {@link TimeScale}, leaves
   * room for a loaded machine and stays below the pull's own bound (60 s, scaled alike).
   */
  private static final Duration BOUND = Duration.ofSeconds(30);

  @EtcdRegistryTest(image = UNPULLABLE)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnAnUnpullableImage {
    @Test
    void needsEtcd(Registry registry, EtcdHandle etcd) {
      SEEN.add(etcd.source());
    }
  }

  @AfterEach
  void clear() {
    SEEN.clear();
  }

  private static EngineExecutionResults runWith(Map<String, String> properties) {
    Map<String, String> before = new java.util.HashMap<>();
    properties.keySet().forEach(key -> before.put(key, System.getProperty(key)));
    properties.forEach(System::setProperty);
    System.setProperty(FIXTURE, "true");
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(OnAnUnpullableImage.class)).execute();
    } finally {
      System.clearProperty(FIXTURE);
      before.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }
  }

  @Test
  void aForcedContainerFailsWithinSecondsNamingTheImageAndTheWaysOut() {
    Needs.docker();
    long start = System.nanoTime();

    EngineExecutionResults results = runWith(Map.of(Settings.SOURCE, "container", Settings.REQUIRED, "true"));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    results.testEvents().assertThatEvents().haveExactly(1, event(test("needsEtcd"),
        finishedWithFailure(instanceOf(ParameterResolutionException.class), message(text -> text.contains(
            ": Docker cannot run etcd: the image " + UNPULLABLE + " is not in Docker and could not be pulled (Docker "
                + "said: ") && text.endsWith("). Without access to its registry, use a local etcd image: build or load "
                + "one (scripts/provision.sh in registrykit's sources builds one) and name it with "
                + "REGISTRYKIT_ETCD_IMAGE or -Dregistrykit.etcd.image; or run etcd from its binary "
                + "(REGISTRYKIT_ETCD_SOURCE=process): install etcd (Debian/Ubuntu: apt-get install etcd-server; "
                + "elsewhere: https://etcd.io/docs/latest/install/) and put it on the PATH or name it with "
                + "-Dregistrykit.etcd.binary=/path/to/etcd; or point the tests at an etcd you run with "
                + "REGISTRYKIT_ETCD_ENDPOINTS=http://host:2379. The tests fail instead of being skipped because "
                + "registrykit.etcd.required is true.")))));
    assertThat(took).as("failed without minutes of pull retries").isLessThan(TimeScale.scaled(BOUND));
    assertThat(SEEN).isEmpty();
  }

  @Test
  void automaticallyTheEtcdBinaryServesInstead() {
    Needs.docker();
    Needs.etcdBinary();
    long start = System.nanoTime();

    EngineExecutionResults results = runWith(Map.of(Settings.SOURCE, "auto"));

    results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    assertThat(SEEN).containsExactly("process");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeScale.scaled(BOUND));
  }
}
