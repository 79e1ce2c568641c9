package dev.registrykit.junit.internal;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.junit.Backend;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryResource;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@link RegistryTest} through the real JUnit engine, on fixture classes (static nested classes
 * guarded so that they run only inside these tests).
 */
class RegistryTestExtensionTest {

  static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static final String FIXTURE = "registrykit.fixture";
  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");

  @BeforeEach
  void clear() {
    SEEN.clear();
    System.setProperty(FIXTURE, "true");
  }

  @AfterEach
  void restore() {
    System.clearProperty(FIXTURE);
  }

  private static EngineExecutionResults run(Class<?> type) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute();
  }

  private static EngineExecutionResults runWith(String property, String value, Class<?> type) {
    String before = System.getProperty(property);
    System.setProperty(property, value);
    try {
      return run(type);
    } finally {
      restoreProperty(property, before);
    }
  }

  private static void restoreProperty(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  // ------------------------------------------------------------------------------ both backends

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnBoth {
    @RegistryTest
    void crashedInstanceDisappearsAfterItsTtl(Registry registry, RegistryTime time, BackendControls backend) {
      Registration orders = registry.register(ORDERS, Duration.ofSeconds(1));
      assertThat(registry).hasInstance(ORDERS);
      time.crash(orders);
      time.awaitExpiry(orders);
      assertThat(registry).doesNotHaveInstance(ORDERS);
      SEEN.add(backend.name() + ":" + registry.getClass().getSimpleName());
    }
  }

  @Test
  void eachTestRunsOnTheFakeThenOnEtcdNamedByItsBackend() {
    EngineExecutionResults results = run(OnBoth.class);

    results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2).failed(0).skipped(0));
    results.testEvents().assertThatEvents()
        .haveExactly(1, event(test(), displayName("[fake]"), finishedSuccessfully()))
        .haveExactly(1, event(test(), displayName("[etcd]"), finishedSuccessfully()));
    results.containerEvents().assertThatEvents()
        .haveExactly(1, event(container(), displayName("crashedInstanceDisappearsAfterItsTtl(Registry, RegistryTime, "
            + "BackendControls)"), finishedSuccessfully()));
    assertThat(SEEN).containsExactly("fake:FakeRegistry", "etcd:EtcdRegistry");
  }

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Fields {
    @RegistryResource
    Registry registry;
    @RegistryResource
    BackendControls backend;

    @RegistryTest
    void fieldsAreInjectedPerRun(Registry parameter) {
      assertThat(registry).isSameAs(parameter);
      SEEN.add(backend.name());
    }
  }

  @Test
  void fieldsAreInjectedForEachRunFromItsBackend() {
    run(Fields.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(SEEN).containsExactly("fake", "etcd");
  }

  // ------------------------------------------------------------------------------ one backend

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Restricted {
    @RegistryTest(backends = Backend.ETCD)
    void onEtcdOnly(EtcdHandle etcd, BackendControls backend) {
      SEEN.add("etcd-only:" + backend.name());
    }

    @RegistryTest(backends = Backend.FAKE)
    void onTheFakeOnly(FakeClock clock, BackendControls backend) {
      SEEN.add("fake-only:" + backend.name());
    }
  }

  @Test
  void aTestRestrictedToOneBackendRunsOnItAlone() {
    EngineExecutionResults results = run(Restricted.class);

    results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    assertThat(SEEN).containsExactlyInAnyOrder("etcd-only:etcd", "fake-only:fake");
  }

  @RegistryTest(backends = Backend.FAKE)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class FakeClass {
    @RegistryTest
    void follows(BackendControls backend) {
      SEEN.add(backend.name());
    }

    @RegistryTest(backends = Backend.ETCD)
    void contradicts() {
      SEEN.add("never");
    }
  }

  @Test
  void theClassNarrowsItsMethodsAndAContradictionIsNamed() {
    EngineExecutionResults results = run(FakeClass.class);

    results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    results.containerEvents().assertThatEvents().haveExactly(1, event(container("contradicts"),
        finishedWithFailure(instanceOf(ExtensionConfigurationException.class), message("FakeClass.contradicts runs on "
            + "no backend: the method names [ETCD], its class names [FAKE]; name a backend they share"))));
    assertThat(SEEN).containsExactly("fake");
  }

  @Test
  void aPropertyNarrowsEveryTestOfTheRun() {
    runWith(RegistryTestExtension.BACKENDS, "fake", OnBoth.class).testEvents()
        .assertStatistics(stats -> stats.started(1).succeeded(1));
    assertThat(SEEN).containsExactly("fake:FakeRegistry");
  }

  @Test
  void aBadPropertyIsNamed() {
    runWith(RegistryTestExtension.BACKENDS, "fake,consul", OnBoth.class).containerEvents().assertThatEvents()
        .haveExactly(1, event(finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
            message("registrykit.backends must be fake, etcd or fake,etcd but was: \"fake,consul\""))));
    assertThat(SEEN).isEmpty();
  }

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class NoBackend {
    @RegistryTest(backends = {})
    void none() {
    }
  }

  @Test
  void anEmptyListOfBackendsIsNamed() {
    run(NoBackend.class).containerEvents().assertThatEvents().haveExactly(1, event(container("none"),
        finishedWithFailure(message("@RegistryTest on NoBackend.none: backends must name FAKE, ETCD or both, each "
            + "once, but was: []"))));
  }

  // ------------------------------------------------------------------------------ what one backend alone has

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class AsksForOneBackendsControl {
    @RegistryTest
    void pausesEtcd(EtcdHandle etcd) {
      SEEN.add("etcd handle");
    }

    @RegistryTest
    void advancesTheClock(FakeClock clock) {
      SEEN.add("clock");
    }
  }

  @Test
  void aControlOnlyOneBackendHasFailsTheOtherRunSayingHowToRestrictIt() {
    EngineExecutionResults results = run(AsksForOneBackendsControl.class);

    results.testEvents().assertThatEvents()
        .haveExactly(1, event(test("pausesEtcd"), displayName("[fake]"), finishedWithFailure(
            instanceOf(ParameterResolutionException.class), message("EtcdHandle exists only on etcd, but this is the "
                + "[fake] run of pausesEtcd; use @RegistryTest(backends = Backend.ETCD) to run the test on etcd alone, "
                + "or ask for what both have: Registry, RegistryTime, BackendControls"))))
        .haveExactly(1, event(test("advancesTheClock"), displayName("[etcd]"), finishedWithFailure(
            instanceOf(ParameterResolutionException.class), message("FakeClock exists only on fake, but this is the "
                + "[etcd] run of advancesTheClock; use @RegistryTest(backends = Backend.FAKE) to run the test on fake "
                + "alone, or ask for what both have: Registry, RegistryTime, BackendControls"))))
        .haveExactly(2, event(test(), finishedSuccessfully()));
    assertThat(SEEN).containsExactlyInAnyOrder("etcd handle", "clock");
  }

  /** The [fake] run names the types only etcd has instead of loading them: the names must stay theirs. */
  @Test
  void theTypesOnlyEtcdHasAreNamedAsTheyAre() {
    assertThat(RegistryTestExtension.ETCD_ONLY)
        .containsExactly(EtcdHandle.class.getName(), EtcdRegistry.class.getName(), Client.class.getName());
  }

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class StopsTheSharedEtcd {
    @RegistryTest
    void stopsEtcd(BackendControls backend) {
      backend.stop();
      backend.start();
      SEEN.add("stopped and started " + backend.name());
    }
  }

  @Test
  void stoppingTheSharedEtcdIsRefusedOnEtcdSayingHowToGetOneOfTheTestsOwn() {
    EngineExecutionResults results = run(StopsTheSharedEtcd.class);

    results.testEvents().assertThatEvents()
        .haveExactly(1, event(test("stopsEtcd"), displayName("[fake]"), finishedSuccessfully()))
        .haveExactly(1, event(test("stopsEtcd"), displayName("[etcd]"), finishedWithFailure(
            instanceOf(UnsupportedOperationException.class), message("backend.stop() would hit every test class "
                + "sharing this etcd (lifecycle PER_RUN): give the test an etcd of its own with @EtcdRegistryTest("
                + "lifecycle = EtcdLifecycle.PER_CLASS), or @RegistryTest(etcd = @EtcdRegistryTest(lifecycle = "
                + "EtcdLifecycle.PER_CLASS))"))));
    assertThat(SEEN).containsExactly("stopped and started fake");
  }

  // ------------------------------------------------------------------------------ settings

  @RegistryTest(etcd = @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS),
      fake = @FakeRegistryTest(minimumTtlSeconds = 3))
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Settings {
    @RegistryTest(backends = Backend.ETCD)
    void anEtcdOfTheClassesOwnTakesFaults(EtcdHandle etcd, Registry registry) {
      etcd.pause();
      etcd.unpause();
      SEEN.add("paused " + etcd.source());
    }

    @RegistryTest(backends = Backend.FAKE)
    void theClassesFakeSettings(Registry registry) {
      SEEN.add("granted " + registry.register(ORDERS, Duration.ofSeconds(1)).ttl().toSeconds());
    }

    @RegistryTest(backends = Backend.FAKE, fake = @FakeRegistryTest(minimumTtlSeconds = 5))
    void theMethodsOwnSettingsWin(Registry registry) {
      SEEN.add("granted " + registry.register(ORDERS, Duration.ofSeconds(1)).ttl().toSeconds());
    }
  }

  @Test
  void settingsComeFromTheMethodElseTheClass() {
    run(Settings.class).testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
    assertThat(SEEN).containsExactlyInAnyOrder("paused container", "granted 3", "granted 5");
  }

  // ------------------------------------------------------------------------------ no etcd

  @Test
  void withoutEtcdTheEtcdRunIsSkippedSayingWhyAndTheFakeRunStillRuns() {
    String binary = System.getProperty(dev.registrykit.junit.internal.Settings.BINARY);
    String required = System.getProperty(dev.registrykit.junit.internal.Settings.REQUIRED);
    System.setProperty(dev.registrykit.junit.internal.Settings.BINARY, "/nonexistent/etcd");
    System.setProperty(dev.registrykit.junit.internal.Settings.REQUIRED, "false");
    EngineExecutionResults results;
    try {
      results = runWith(dev.registrykit.junit.internal.Settings.SOURCE, "process", OnBoth.class);
    } finally {
      restoreProperty(dev.registrykit.junit.internal.Settings.BINARY, binary);
      restoreProperty(dev.registrykit.junit.internal.Settings.REQUIRED, required);
    }

    results.testEvents().assertThatEvents()
        .haveExactly(1, event(test(), displayName("[fake]"), finishedSuccessfully()))
        .haveExactly(1, event(test(), displayName("[etcd]"), skippedWithReason("registrykit.etcd.source=process but "
            + "no etcd binary was found (registrykit.etcd.binary=/nonexistent/etcd is not an executable file): "
            + "install etcd (Debian/Ubuntu: apt-get install etcd-server; elsewhere: https://etcd.io/docs/latest/install/) "
            + "and put it on the PATH or name it with -Dregistrykit.etcd.binary=/path/to/etcd. Skipped: with "
            + "-Dregistrykit.etcd.required=true (or REGISTRYKIT_ETCD_REQUIRED=true) these tests fail instead.")));
    assertThat(SEEN).containsExactly("fake:FakeRegistry");
  }
}
