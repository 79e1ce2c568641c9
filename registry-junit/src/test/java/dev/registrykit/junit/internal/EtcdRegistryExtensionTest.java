package dev.registrykit.junit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.github.dockerjava.api.model.Container;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryResource;
import dev.registrykit.junit.RegistryTime;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import dev.registrykit.junit.RegistryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

/**
 * The extension, run through the real JUnit engine on fixture classes (static nested classes, which
 * Surefire does not run by themselves; each is guarded so it only runs inside these tests).
 */
class EtcdRegistryExtensionTest {

  static final List<String> SEEN = new CopyOnWriteArrayList<>();
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

  private static EngineExecutionResults run(Class<?>... classes) {
    var request = EngineTestKit.engine("junit-jupiter");
    for (Class<?> type : classes) {
      request = request.selectors(selectClass(type));
    }
    return request.execute();
  }

  private static Set<String> ourContainers() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return Set.of();
    }
    return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(ContainerEtcd.SESSION_LABEL, ContainerEtcd.SESSION)).exec()
        .stream().map(Container::getId).collect(Collectors.toSet());
  }

  // ------------------------------------------------------------------------------ one etcd, namespaces

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class FirstClass {
    @Test
    void registers(Registry registry, RegistryBackend backend, EtcdHandle etcd) throws Exception {
      record(registry, backend, etcd);
    }

    @Test
    void registersAgain(Registry registry, RegistryBackend backend, EtcdHandle etcd) throws Exception {
      record(registry, backend, etcd);
    }

    /**
     * Writes the same service and id as every other test, without a lease, so the key outlives the
     * test; each test must still see only its own.
     */
    static void record(Registry registry, RegistryBackend backend, EtcdHandle etcd) throws Exception {
      ServiceInstance instance = ServiceInstance.of("shared", "same-id", "http://h:1");
      backend.putRaw("shared", "same-id", dev.registrykit.internal.InstanceCodec.encode(instance));
      assertThat(registry.instances("shared")).containsExactly(instance);
      long inEtcd = etcd.client().getKVClient().get(ByteSequence.from("/registrykit-test/", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs().stream()
          .filter(kv -> kv.getKey().toString(StandardCharsets.UTF_8).endsWith("/shared/same-id")).count();
      SEEN.add(etcd.endpoints() + " " + ((EtcdRegistry) registry).namespace() + " " + inEtcd);
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class SecondClass {
    @Test
    void registers(Registry registry, RegistryBackend backend, EtcdHandle etcd) throws Exception {
      FirstClass.record(registry, backend, etcd);
    }
  }

  @Test
  void oneEtcdServesSeveralClassesAndEveryTestHasItsOwnNamespace() {
    Set<String> before = ourContainers();

    EngineExecutionResults results = run(FirstClass.class, SecondClass.class);

    results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3).failed(0).skipped(0));
    assertThat(SEEN).hasSize(3);
    assertThat(SEEN.stream().map(s -> s.split(" ")[0]).distinct()).as("endpoints").hasSize(1);
    assertThat(SEEN.stream().map(s -> s.split(" ")[1]).distinct()).as("namespaces").hasSize(3);
    assertThat(SEEN.stream().map(s -> s.split(" ")[2])).as("same keys in etcd, each test seeing only its own")
        .containsExactly("1", "2", "3");
    assertThat(ourContainers()).as("containers left by the run").isSubsetOf(before);
  }

  // ------------------------------------------------------------------------------ lifecycles

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_METHOD)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerMethod {
    @Test
    void one(EtcdHandle etcd) {
      SEEN.add(etcd.endpoints().toString());
    }

    @Test
    void two(EtcdHandle etcd) {
      SEEN.add(etcd.endpoints().toString());
    }
  }

  @Test
  void perMethodGivesEveryTestItsOwnEtcd() {
    Set<String> before = ourContainers();

    run(PerMethod.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

    assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
    assertThat(ourContainers()).isSubsetOf(before);
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Faults {
    @Test
    void stopAndStartKeepDataAndEndpoints(EtcdHandle etcd, Client client) throws Exception {
      ByteSequence key = ByteSequence.from("/faults/k", StandardCharsets.UTF_8);
      client.getKVClient().put(key, ByteSequence.from("v", StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
      var endpoints = etcd.endpoints();

      etcd.stop();
      etcd.start();
      assertThat(etcd.endpoints()).isEqualTo(endpoints);
      assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs()).hasSize(1);

      etcd.kill();
      etcd.start();
      assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs()).hasSize(1);
      SEEN.add("stop-start-kill");
    }

    @Test
    void pauseFreezesEtcdUntilUnpaused(EtcdHandle etcd, Registry registry) {
      etcd.pause();
      try {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.instances("x"))
            .isInstanceOf(dev.registrykit.RegistryUnavailableException.class);
      } finally {
        etcd.unpause();
      }
      assertThat(registry.instances("x")).isEmpty();
      SEEN.add("pause");
    }
  }

  @Test
  void faultControlsWorkOnAnEtcdOfTheClassesOwn() {
    run(Faults.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(SEEN).containsExactlyInAnyOrder("stop-start-kill", "pause");
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class FaultOnShared {
    @Test
    void pause(EtcdHandle etcd) {
      etcd.pause();
    }

    @Test
    void makeUnavailableCutsOffOnlyThisRegistry(RegistryBackend backend, Registry registry, Client client)
        throws Exception {
      backend.makeUnavailable();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.instances("x"))
          .isInstanceOf(dev.registrykit.RegistryUnavailableException.class);
      backend.putRaw("x", "1", "{\"Id\":\"1\",\"Name\":\"x\",\"Address\":\"http://h:1\"}");
      assertThat(client.getKVClient().get(ByteSequence.from(backend.namespace() + "/x/1", StandardCharsets.UTF_8))
          .get(5, TimeUnit.SECONDS).getKvs()).as("etcd serves the raw client meanwhile").hasSize(1);
      backend.heal();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .untilAsserted(() -> assertThat(registry.instances("x")).hasSize(1));
      SEEN.add("cut");
    }
  }

  @Test
  void faultControlsOfEtcdItselfAreRefusedOnTheSharedEtcdButItsRegistryCanBeCutOff() {
    run(FaultOnShared.class).testEvents().assertThatEvents().haveExactly(1, event(test("pause"),
        finishedWithFailure(instanceOf(UnsupportedOperationException.class), message(
            "pause() would hit every test class sharing this etcd (lifecycle PER_RUN): use "
                + "@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS) or PER_METHOD for tests that inject faults"))))
        .haveExactly(1, event(test("makeUnavailableCutsOffOnlyThisRegistry"), finishedSuccessfully()));
    assertThat(SEEN).containsExactly("cut");
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class FaultsLeftBehind {
    @Test
    void a_stopsEtcdAndFails(EtcdHandle etcd, Registry registry) {
      registry.register(ServiceInstance.of("left", "a", "http://h:1"), Duration.ofSeconds(30));
      etcd.stop();
      throw new AssertionError("failed with etcd stopped");
    }

    @Test
    void b_killsEtcdAndFails(EtcdHandle etcd) {
      etcd.kill();
      throw new AssertionError("failed with etcd killed");
    }

    @Test
    void c_pausesEtcdAndFails(RegistryBackend backend, Registry registry) {
      registry.register(ServiceInstance.of("left", "c", "http://h:1"), Duration.ofSeconds(30));
      backend.makeUnavailable();
      throw new AssertionError("failed with etcd paused");
    }

    @Test
    void d_findsEtcdServing(Registry registry, Client client) throws Exception {
      registry.register(ServiceInstance.of("left", "d", "http://h:1"), Duration.ofSeconds(30));
      assertThat(registry.instances("left")).hasSize(1);
      ByteSequence prefix = ByteSequence.from("/registrykit-test/", StandardCharsets.UTF_8);
      assertThat(client.getKVClient().get(prefix, io.etcd.jetcd.options.GetOption.builder().isPrefix(true)
          .withCountOnly(true).build()).get(5, TimeUnit.SECONDS).getCount())
          .as("keys left by the earlier tests, deregistered after etcd was brought back").isEqualTo(1);
      SEEN.add("serving");
    }
  }

  @Test
  void aTestThatLeavesEtcdDownDoesNotTakeItFromTheNextTests() {
    run(FaultsLeftBehind.class).testEvents().assertStatistics(stats -> stats.started(4).failed(3).succeeded(1))
        .assertThatEvents()
        .haveExactly(1, event(test("a_stopsEtcdAndFails"), finishedWithFailure(message("failed with etcd stopped"))))
        .haveExactly(1, event(test("b_killsEtcdAndFails"), finishedWithFailure(message("failed with etcd killed"))))
        .haveExactly(1, event(test("c_pausesEtcdAndFails"), finishedWithFailure(message("failed with etcd paused"))));
    assertThat(SEEN).containsExactly("serving");
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_METHOD)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerMethodRegistrations {
    @Test
    void registers(Registry registry) {
      registry.register(ServiceInstance.of("orders", "1", "http://h:1"), Duration.ofSeconds(30));
      registry.register(ServiceInstance.of("orders", "2", "http://h:2"), Duration.ofSeconds(30));
    }
  }

  @Test
  void aTestsRegistryIsClosedBeforeItsOwnEtcdStops() {
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      run(PerMethodRegistrations.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).as("what the run logged").doesNotContain("could not deregister");
  }

  // ------------------------------------------------------------------------------ time

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class NeverTrue {
    @Test
    void waitsForAnInstanceNobodyRegisters(Registry registry, RegistryTime time) {
      SEEN.add(time.eventuallyTimeout() + " " + time.expiryMargin());
      registry.instances("orders"); // connected, so the checks below finish well within the 0.5 s
      time.eventually(() -> dev.registrykit.junit.RegistryAssertions.assertThat(registry)
          .hasInstance(ServiceInstance.of("orders", "i-1", "http://h:1")));
    }

    @Test
    void neverFinishesACheck(RegistryTime time) {
      time.eventually(() -> Thread.sleep(3_000)); // as a call to an etcd that does not answer would
    }
  }

  @Test
  void eventuallyFailsWithTheLastFailureAfterItsScaledTimeout() {
    System.setProperty(Settings.TIME_SCALE, "0.05");
    try {
      run(NeverTrue.class).testEvents().assertThatEvents().haveExactly(1, event(test("waitsForAnInstanceNobodyRegisters"),
          finishedWithFailure(instanceOf(AssertionError.class), message("Still failing after PT0.5S (checked every 50 ms): "
              + "Expecting registry to have instance orders/i-1 but found in orders: []"))))
          .haveExactly(1, event(test("neverFinishesACheck"), finishedWithFailure(instanceOf(AssertionError.class),
              message("Not even one check finished within PT0.5S: the assertion was still running (is etcd answering?)"))));
    } finally {
      System.clearProperty(Settings.TIME_SCALE);
    }
    assertThat(SEEN).containsExactly("PT0.5S PT0.075S");
  }

  // ------------------------------------------------------------------------------ injection

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Fields {
    @RegistryResource
    Registry registry;
    @RegistryResource
    EtcdHandle etcd;
    @RegistryResource
    RegistryTime time;
    @RegistryResource
    Client client;

    @Test
    void injected(Registry parameter) {
      assertThat(registry).isSameAs(parameter);
      assertThat(etcd.client()).isSameAs(client);
      assertThat(time).isNotNull();
      SEEN.add("fields");
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Outer {
    @RegistryResource
    Registry outerRegistry;

    @Test
    void outer(Registry registry) {
      SEEN.add("outer " + ((EtcdRegistry) registry).namespace().equals(((EtcdRegistry) outerRegistry).namespace()));
    }

    @org.junit.jupiter.api.Nested
    class Inner {
      @RegistryResource
      EtcdHandle etcd;

      @Test
      void inner(Registry registry) {
        SEEN.add("inner " + (registry == outerRegistry) + " " + (etcd != null));
      }
    }
  }

  @Test
  void nestedClassesAreInjectedToo() {
    run(Outer.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(SEEN).containsExactlyInAnyOrder("outer true", "inner true true");
  }

  @Test
  void annotatedFieldsAreFilledWithWhatParametersGet() {
    run(Fields.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    assertThat(SEEN).containsExactly("fields");
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class BadField {
    @RegistryResource
    String name;

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @Test
  void aFieldOfAnUnsupportedTypeIsNamed() {
    run(BadField.class).testEvents().assertThatEvents().haveExactly(1, event(test("neverRuns"),
        finishedWithFailure(message("@RegistryResource field BadField.name has type java.lang.String, which "
            + "@EtcdRegistryTest cannot inject; it injects [Registry, EtcdRegistry, EtcdHandle, Client, RegistryTime, RegistryBackend]"))));
    assertThat(SEEN).isEmpty();
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class BadParameter {
    @Test
    void neverRuns(StringBuilder text) {
      SEEN.add("ran");
    }
  }

  @Test
  void aParameterOfAnUnsupportedTypeIsNamed() {
    run(BadParameter.class).testEvents().assertThatEvents().haveExactly(1, event(test("neverRuns"),
        finishedWithFailure(message(m -> m.startsWith(
            "No ParameterResolver registered for parameter [java.lang.StringBuilder")))));
  }

  // ------------------------------------------------------------------------------ no etcd

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class NoEtcd {
    @Test
    void needsEtcd(Registry registry) {
      SEEN.add("ran");
    }
  }

  private static EngineExecutionResults runWithoutEtcd(String required) {
    String backend = System.getProperty(Settings.BACKEND);
    String binary = System.getProperty(Settings.BINARY);
    String wasRequired = System.getProperty(Settings.REQUIRED);
    System.setProperty(Settings.BACKEND, "process");
    System.setProperty(Settings.BINARY, "/nonexistent/etcd");
    System.setProperty(Settings.REQUIRED, required);
    try {
      return run(NoEtcd.class);
    } finally {
      restore(Settings.BACKEND, backend);
      restore(Settings.BINARY, binary);
      restore(Settings.REQUIRED, wasRequired);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  private static final String NO_ETCD = "registrykit.etcd.backend=process but no etcd binary was found "
      + "(registrykit.etcd.binary=/nonexistent/etcd is not an executable file)";

  @Test
  void withoutEtcdTheClassIsSkippedSayingWhy() {
    runWithoutEtcd("false").containerEvents().assertThatEvents()
        .haveExactly(1, event(skippedWithReason(NO_ETCD)));
    assertThat(SEEN).isEmpty();
  }

  @Test
  void withoutEtcdButRequiredTheTestsFail() {
    runWithoutEtcd("true").testEvents().assertThatEvents().haveExactly(1, event(test("needsEtcd"),
        finishedWithFailure(instanceOf(org.junit.jupiter.api.extension.ParameterResolutionException.class),
            message("Failed to resolve parameter [dev.registrykit.Registry arg0] in method [void "
                + NoEtcd.class.getName() + ".needsEtcd(dev.registrykit.Registry)]: " + NO_ETCD))));
    assertThat(SEEN).isEmpty();
  }

  @Test
  void anUnknownBackendFailsTheClassNamingTheChoices() {
    String backend = System.getProperty(Settings.BACKEND);
    System.setProperty(Settings.BACKEND, "kubernetes");
    try {
      run(NoEtcd.class).containerEvents().assertThatEvents().haveExactly(1, event(
          finishedWithFailure(org.junit.platform.testkit.engine.TestExecutionResultConditions.cause(
              instanceOf(IllegalArgumentException.class), message("registrykit.etcd.backend must be one of auto, "
                  + "container, process, external but was: \"kubernetes\"")))));
    } finally {
      restore(Settings.BACKEND, backend);
    }
    assertThat(SEEN).isEmpty();
  }

  // ------------------------------------------------------------------------------ an etcd of the user's

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnExternal {
    @Test
    void registersButRefusesFaults(Registry registry, EtcdHandle etcd) {
      SEEN.add(etcd.backend() + " " + etcd.endpoints());
      registry.register(ServiceInstance.of("x", "1", "http://h:1"), Duration.ofSeconds(30));
      assertThat(registry.instances("x")).hasSize(1);
      etcd.pause();
    }
  }

  @Test
  void givenEndpointsAreUsedBeforeDockerAndNeverControlled() {
    org.junit.jupiter.api.Assumptions.assumeTrue(EtcdBackends.binary().isPresent(), "no etcd binary on the PATH");
    try (ProcessEtcd theirs = new ProcessEtcd(EtcdBackends.binary().get())) {
      String endpoint = theirs.endpoints().get(0).toString();
      System.setProperty(Settings.ENDPOINTS, endpoint);
      try {
        run(OnExternal.class).testEvents().assertThatEvents().haveExactly(1, event(test("registersButRefusesFaults"),
            finishedWithFailure(instanceOf(UnsupportedOperationException.class), message("pause() is not available "
                + "on the etcd at [" + endpoint + "] given by REGISTRYKIT_ETCD_ENDPOINTS or -Dregistrykit.etcd.endpoints: "
                + "registrykit does not control an etcd it did not start. Unset it to let the tests run etcd in a "
                + "container or as a process."))));
      } finally {
        System.clearProperty(Settings.ENDPOINTS);
      }
      assertThat(SEEN).containsExactly("external [" + endpoint + "]");
      assertThat(Health.healthy(theirs.endpoints().get(0))).as("their etcd, still serving").isTrue();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------ the process backend

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnAProcess {
    @Test
    void registersAndSurvivesFaults(Registry registry, EtcdHandle etcd, RegistryTime time) {
      assertThat(etcd.backend()).isEqualTo("process");
      var registration = registry.register(ServiceInstance.of("p", "1", "http://h:1"), Duration.ofSeconds(1));
      etcd.pause();
      etcd.unpause();
      etcd.stop();
      etcd.start();
      etcd.pause();
      long stopping = System.nanoTime();
      etcd.stop(); // a stopped (SIGSTOP) process is continued first, or it would hold SIGTERM
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));
      etcd.start();
      time.eventually(() -> assertThat(registry.instances("p")).hasSize(1));
      time.crash(registration);
      time.awaitExpiry(registration);
      SEEN.add("process");
    }
  }

  @Test
  void theProcessBackendRunsEtcdFromTheBinary() {
    org.junit.jupiter.api.Assumptions.assumeTrue(EtcdBackends.binary().isPresent(), "no etcd binary on the PATH");
    String backend = System.getProperty(Settings.BACKEND);
    System.setProperty(Settings.BACKEND, "process");
    try {
      run(OnAProcess.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    } finally {
      restore(Settings.BACKEND, backend);
    }
    assertThat(SEEN).containsExactly("process");
  }

  @Test
  void aTestThatLeavesAProcessDownDoesNotTakeItFromTheNextTests() {
    org.junit.jupiter.api.Assumptions.assumeTrue(EtcdBackends.binary().isPresent(), "no etcd binary on the PATH");
    String backend = System.getProperty(Settings.BACKEND);
    System.setProperty(Settings.BACKEND, "process");
    try {
      run(FaultsLeftBehind.class).testEvents().assertStatistics(stats -> stats.started(4).failed(3).succeeded(1));
    } finally {
      restore(Settings.BACKEND, backend);
    }
    assertThat(SEEN).containsExactly("serving");
  }
}
