package dev.registrykit.junit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.junit.FakeRegistryTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A subclass of {@link RegistryContract} runs every contract test, {@link RegistryContract#testCount()}
 * of them, and on the fake they all pass: no test of the contract is lost to a signature JUnit
 * cannot resolve or to a missing annotation.
 */
class RegistryContractRunsTest {

  /** Run through the engine below, not by itself (surefire leaves nested classes alone). */
  @FakeRegistryTest(minimumTtlSeconds = 1)
  static class OnTheFake extends RegistryContract {
  }

  @Test
  void aSubclassRunsEveryContractTestAndOnTheFakeAllPass() {
    var tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(OnTheFake.class)).execute().testEvents();

    assertThat(RegistryContract.testCount()).as("contract tests").isGreaterThanOrEqualTo(46);
    assertThat(tests.failed().stream().map(event -> event.getTestDescriptor().getDisplayName() + ": "
        + event.getPayload().orElse(""))).as("failed").isEmpty();
    assertThat(tests.started().count()).as("tests started").isEqualTo(RegistryContract.testCount());
    assertThat(tests.succeeded().count()).as("tests passed").isEqualTo(RegistryContract.testCount());
  }
}
