package dev.registrykit.junit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistrationState;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.RegistryResource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineTestKit;

class FakeRegistryExtensionTest {

  static final List<Object> SEEN = new CopyOnWriteArrayList<>();
  private static final String FIXTURE = "registrykit.fixture";

  @BeforeEach
  void clear() {
    SEEN.clear();
    System.setProperty(FIXTURE, "true");
  }

  @AfterEach
  void restore() {
    System.clearProperty(FIXTURE);
  }

  @FakeRegistryTest(minimumTtlSeconds = 1)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Fixture {
    @RegistryResource
    FakeRegistry field;

    @Test
    void first(Registry registry) {
      use(registry);
    }

    @Test
    void second(Registry registry) {
      use(registry);
    }

    void use(Registry registry) {
      assertThat(registry).isSameAs(field);
      assertThat(registry.allInstances()).isEmpty();
      Registration registration = registry.register(ServiceInstance.of("a", "1", "http://h:1"), Duration.ofSeconds(1));
      assertThat(registration.ttl()).isEqualTo(Duration.ofSeconds(1));
      SEEN.add(registry);
      SEEN.add(registration);
    }
  }

  @Test
  void everyTestGetsAFreshFakeThatIsClosedAfterIt() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute()
        .testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

    assertThat(SEEN).hasSize(4);
    assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(2));
    assertThat(((Registration) SEEN.get(1)).state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(((Registration) SEEN.get(3)).state()).isEqualTo(RegistrationState.CLOSED);
  }

  @FakeRegistryTest(minimumTtlSeconds = 0)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class BadMinimum {
    @Test
    void neverRuns(Registry registry) {
      SEEN.add("ran");
    }
  }

  @Test
  void aBadAttributeIsNamed() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(BadMinimum.class)).execute()
        .testEvents().assertThatEvents().haveExactly(1, event(test("neverRuns"),
            finishedWithFailure(message(m -> m.contains("@FakeRegistryTest(minimumTtlSeconds) must be positive but was: 0")))));
    assertThat(SEEN).isEmpty();
  }

  @FakeRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class AsksForEtcd {
    @Test
    void neverRuns(dev.registrykit.junit.EtcdMember etcd) {
      SEEN.add("ran");
    }
  }

  @Test
  void aParameterTheFakeCannotGiveIsNamedWithWhatItInjects() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(AsksForEtcd.class)).execute()
        .testEvents().assertThatEvents().haveExactly(1, event(test("neverRuns"), finishedWithFailure(
            org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf(
                org.junit.jupiter.api.extension.ParameterResolutionException.class),
            message("AsksForEtcd.neverRuns(EtcdMember) asks for parameter [dev.registrykit.junit.EtcdMember arg0], "
                + "which @FakeRegistryTest cannot inject and no other extension resolves; @FakeRegistryTest injects "
                + "[Registry, FakeRegistry, FakeClock, RegistryTime, BackendControls]"))));
    assertThat(SEEN).isEmpty();
  }
}
