package dev.registrykit.junit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.Registry;
import dev.registrykit.junit.RegistryTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * What JUnit reports of a {@link RegistryTest}'s runs, which is what the README tells a consumer's
 * build to configure: the display names are {@code [fake]} and {@code [etcd]}, but the legacy
 * reporting name, which surefire's default XML reporter writes, carries only JUnit's invocation index
 * (a {@code final} method of Jupiter's descriptors that no extension can change). The names survive in
 * surefire's reports only with the reporter setting of the README's Maven snippet
 * ({@code JUnit5Xml30StatelessReporter}, {@code usePhrasedTestCaseMethodName}), which registrykit's own
 * build uses and {@code ReadmeTextTest} checks the snippet for.
 */
class RegistryTestNamesTest {

  private static final String FIXTURE = "registrykit.fixture";

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnBoth {
    @RegistryTest
    void lists(Registry registry) {
      assertThat(registry.allInstances()).isEmpty();
    }
  }

  @Test
  void theBackendIsTheDisplayNameAndTheLegacyNameCarriesTheIndexInRunOrder() {
    System.setProperty(FIXTURE, "true");
    List<TestDescriptor> runs;
    try {
      runs = EngineTestKit.engine("junit-jupiter").selectors(selectClass(OnBoth.class)).execute()
          .allEvents().filter(event -> event.getType() == EventType.DYNAMIC_TEST_REGISTERED)
          .map(Event::getTestDescriptor).toList(); // registered whether etcd is there to run it or not
    } finally {
      System.clearProperty(FIXTURE);
    }

    assertThat(runs).extracting(TestDescriptor::getDisplayName).containsExactly("[fake]", "[etcd]");
    assertThat(runs).extracting(TestDescriptor::getLegacyReportingName)
        .containsExactly("lists(Registry)[1]", "lists(Registry)[2]");
  }
}
