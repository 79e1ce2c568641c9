package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
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
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryResource;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.registrykit.junit.BackendControls;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

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

  /**
   * Runs the fixture classes through the engine, then checks that the run left nothing behind: no
   * open registry or registration the fixtures kept, no container, etcd process or registrykit thread.
   */
  private static EngineExecutionResults run(Class<?>... classes) {
    Leftovers before = Leftovers.before();
    EngineExecutionResults results = execute(classes);
    before.assertNoneAfter();
    return results;
  }

  private static EngineExecutionResults execute(Class<?>... classes) {
    var request = EngineTestKit.engine("junit-jupiter");
    for (Class<?> type : classes) {
      request = request.selectors(selectClass(type));
    }
    return request.execute();
  }

  /** Runs with the system property set to {@code value} (cleared if null), then restores it. */
  private static EngineExecutionResults runWith(String property, String value, Class<?>... classes) {
    String was = System.getProperty(property);
    restore(property, value);
    try {
      return run(classes);
    } finally {
      restore(property, was);
    }
  }

  // ------------------------------------------------------------------------------ one etcd, namespaces

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class FirstClass {
    @Test
    void registers(Registry registry, BackendControls backend, EtcdHandle etcd) throws Exception {
      record(registry, backend, etcd);
    }

    @Test
    void registersAgain(Registry registry, BackendControls backend, EtcdHandle etcd) throws Exception {
      record(registry, backend, etcd);
    }

    /**
     * Writes the same service and id as every other test, without a lease, so the key outlives the
     * test; each test must still see only its own.
     */
    static void record(Registry registry, BackendControls backend, EtcdHandle etcd) throws Exception {
      Leftovers.keep(registry);
      Leftovers.keep(registry.register(ServiceInstance.of("own", "i-1", "http://h:1"), Duration.ofSeconds(30)));
      ServiceInstance instance = ServiceInstance.of("shared", "same-id", "http://h:1");
      backend.putRaw("shared", "same-id", dev.registrykit.internal.InstanceCodec.encode(instance));
      assertThat(registry.instances("shared")).containsExactly(instance);
      long inEtcd = etcd.client().getKVClient().get(ByteSequence.from("/registrykit-test/", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).getKvs().stream()
          .filter(kv -> kv.getKey().toString(StandardCharsets.UTF_8).endsWith("/shared/same-id")).count();
      SEEN.add(etcd.endpoints() + " " + ((EtcdRegistry) registry).namespace() + " " + inEtcd);
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class SecondClass {
    @Test
    void registers(Registry registry, BackendControls backend, EtcdHandle etcd) throws Exception {
      FirstClass.record(registry, backend, etcd);
    }
  }

  @Test
  void oneEtcdServesSeveralClassesAndEveryTestHasItsOwnNamespace() {
    EngineExecutionResults results = run(FirstClass.class, SecondClass.class);

    results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3).failed(0).skipped(0));
    assertThat(SEEN).hasSize(3);
    assertThat(SEEN.stream().map(s -> s.split(" ")[0]).distinct()).as("endpoints").hasSize(1);
    assertThat(SEEN.stream().map(s -> s.split(" ")[1]).distinct()).as("namespaces").hasSize(3);
    assertThat(SEEN.stream().map(s -> s.split(" ")[2])).as("same keys in etcd, each test seeing only its own")
        .containsExactly("1", "2", "3");
  }

  // ------------------------------------------------------------------------------ lifecycles

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_METHOD)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerMethod {
    @Test
    void one(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      SEEN.add(etcd.endpoints().toString());
    }

    @Test
    void two(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      SEEN.add(etcd.endpoints().toString());
    }
  }

  @Test
  void perMethodGivesEveryTestItsOwnEtcd() {
    run(PerMethod.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

    assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerClassOne {
    @Test
    void first(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      SEEN.add("one " + etcd.endpoints());
    }

    @Test
    void second(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      SEEN.add("one " + etcd.endpoints());
    }
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerClassTwo {
    @Test
    void first(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      SEEN.add("two " + etcd.endpoints());
    }

    @Test
    void second(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      SEEN.add("two " + etcd.endpoints());
    }
  }

  @Test
  void perClassGivesEveryClassItsOwnEtcdSharedByItsTests() {
    run(PerClassOne.class, PerClassTwo.class).testEvents().assertStatistics(stats -> stats.succeeded(4).failed(0));

    assertThat(SEEN).hasSize(4);
    List<String> one = SEEN.stream().filter(s -> s.startsWith("one ")).map(s -> s.substring(4)).toList();
    List<String> two = SEEN.stream().filter(s -> s.startsWith("two ")).map(s -> s.substring(4)).toList();
    assertThat(one).as("endpoints seen by the tests of PerClassOne").hasSize(2).containsOnly(one.get(0));
    assertThat(two).as("endpoints seen by the tests of PerClassTwo").hasSize(2).containsOnly(two.get(0));
    assertThat(one.get(0)).as("PerClassOne's etcd beside PerClassTwo's").isNotEqualTo(two.get(0));
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Faults {
    @Test
    void stopAndStartKeepDataAndEndpoints(EtcdHandle etcd, Client client) throws Exception {
      ByteSequence key = ByteSequence.from("/faults/k", StandardCharsets.UTF_8);
      client.getKVClient().put(key, ByteSequence.from("v", StandardCharsets.UTF_8)).get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
      var endpoints = etcd.endpoints();

      etcd.stop();
      etcd.start();
      assertThat(etcd.endpoints()).isEqualTo(endpoints);
      assertThat(client.getKVClient().get(key).get(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS).getKvs()).hasSize(1);

      etcd.kill();
      etcd.start();
      assertThat(client.getKVClient().get(key).get(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS).getKvs()).hasSize(1);
      SEEN.add("stop-start-kill");
    }

    @Test
    void pauseFreezesEtcdUntilUnpaused(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
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
    void makeUnavailableCutsOffOnlyThisRegistry(BackendControls backend, Registry registry, Client client)
        throws Exception {
      backend.makeUnavailable();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.instances("x"))
          .isInstanceOf(dev.registrykit.RegistryUnavailableException.class);
      backend.putRaw("x", "1", "{\"Id\":\"1\",\"Name\":\"x\",\"Address\":\"http://h:1\"}");
      assertThat(client.getKVClient().get(ByteSequence.from(backend.namespace() + "/x/1", StandardCharsets.UTF_8))
          .get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).getKvs()).as("etcd serves the raw client meanwhile").hasSize(1);
      backend.heal();
      org.awaitility.Awaitility.await().atMost(TimeScale.scaled(Duration.ofSeconds(10))).ignoreExceptions()
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
      Leftovers.keep(registry.register(ServiceInstance.of("left", "a", "http://h:1"), Duration.ofSeconds(30)));
      etcd.stop();
      throw new AssertionError("failed with etcd stopped");
    }

    @Test
    void b_killsEtcdAndFails(EtcdHandle etcd) {
      etcd.kill();
      throw new AssertionError("failed with etcd killed");
    }

    @Test
    void c_pausesEtcdAndFails(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry.register(ServiceInstance.of("left", "c", "http://h:1"), Duration.ofSeconds(30)));
      etcd.pause();
      throw new AssertionError("failed with etcd paused");
    }

    @Test
    void d_cutsOffItsRegistryAndFails(BackendControls backend, Registry registry) {
      Leftovers.keep(registry.register(ServiceInstance.of("left", "d", "http://h:1"), Duration.ofSeconds(30)));
      backend.makeUnavailable();
      throw new AssertionError("failed with its registry cut off");
    }

    @Test
    void e_findsEtcdServing(Registry registry, Client client) throws Exception {
      Leftovers.keep(registry.register(ServiceInstance.of("left", "e", "http://h:1"), Duration.ofSeconds(30)));
      assertThat(registry.instances("left")).hasSize(1);
      ByteSequence prefix = ByteSequence.from("/registrykit-test/", StandardCharsets.UTF_8);
      assertThat(client.getKVClient().get(prefix, io.etcd.jetcd.options.GetOption.builder().isPrefix(true)
          .withCountOnly(true).build()).get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).getCount())
          .as("keys left by the earlier tests, deregistered after etcd was brought back").isEqualTo(1);
      SEEN.add("serving");
    }
  }

  @Test
  void aTestThatLeavesEtcdDownDoesNotTakeItFromTheNextTests() {
    assertLeftBehindFaultsWereUndone(run(FaultsLeftBehind.class));
  }

  private static void assertLeftBehindFaultsWereUndone(EngineExecutionResults results) {
    results.testEvents().assertStatistics(stats -> stats.started(5).failed(4).succeeded(1))
        .assertThatEvents()
        .haveExactly(1, event(test("a_stopsEtcdAndFails"), finishedWithFailure(message("failed with etcd stopped"))))
        .haveExactly(1, event(test("b_killsEtcdAndFails"), finishedWithFailure(message("failed with etcd killed"))))
        .haveExactly(1, event(test("c_pausesEtcdAndFails"), finishedWithFailure(message("failed with etcd paused"))))
        .haveExactly(1, event(test("d_cutsOffItsRegistryAndFails"),
            finishedWithFailure(message("failed with its registry cut off"))))
        .haveExactly(1, event(test("e_findsEtcdServing"), finishedSuccessfully()));
    assertThat(SEEN).containsExactly("serving");
  }

  /**
   * Registers two instances on an etcd of the test's own, watched by a client of the test's own that
   * outlives the test: if the extension closes the registry while etcd still runs, the watch sees
   * both keys deleted; if it stopped etcd first, it sees nothing.
   */
  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_METHOD)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerMethodRegistrations {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static Client watcher;

    @Test
    void registers(Registry registry, EtcdHandle etcd) {
      String prefix = ((EtcdRegistry) registry).namespace();
      ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
      watcher = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build();
      watcher.getWatchClient().watch(key, WatchOption.builder().isPrefix(true).build(), response -> {
        for (WatchEvent event : response.getEvents()) {
          String name = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
          EVENTS.add(event.getEventType() + " " + name.substring(name.lastIndexOf('/', name.lastIndexOf('/') - 1)));
        }
      });
      // The watch starts asynchronously: register until it has seen a registration.
      AtomicInteger registered = new AtomicInteger();
      Awaitility.await("the watch to see a registration").atMost(TimeScale.scaled(Duration.ofSeconds(10))).until(() -> {
        Leftovers.keep(registry.register(ServiceInstance.of("orders", Integer.toString(registered.incrementAndGet()),
            "http://h:1"), Duration.ofSeconds(30)));
        return !EVENTS.isEmpty();
      });
      Leftovers.keep(registry.register(ServiceInstance.of("orders", "last", "http://h:2"), Duration.ofSeconds(30)));
      Leftovers.keep(registry);
    }
  }

  @Test
  void aTestsRegistryIsClosedBeforeItsOwnEtcdStops() {
    PerMethodRegistrations.EVENTS.clear();
    Leftovers before = Leftovers.before();
    try {
      execute(PerMethodRegistrations.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
      Awaitility.await("the deletes of the closed registry's keys").atMost(TimeScale.scaled(Duration.ofSeconds(5)))
          .untilAsserted(() -> assertThat(PerMethodRegistrations.EVENTS)
              .as("what the watch saw").contains("PUT /orders/last", "DELETE /orders/last", "DELETE /orders/1"));
    } finally {
      PerMethodRegistrations.watcher.close();
    }
    before.assertNoneAfter();
  }

  // ------------------------------------------------------------------------------ time

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class NeverTrue {
    @Test
    void waitsForAnInstanceNobodyRegisters(Registry registry, RegistryTime time) {
      Leftovers.keep(registry);
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

  private static final String SCALE_HINT = " (on etcd the toolkit's time bounds are scaled by registrykit.time.scale, "
      + "now 0.05: on a loaded machine raise it, e.g. -Dregistrykit.time.scale=2 or REGISTRYKIT_TIME_SCALE=2)";

  @Test
  void eventuallyFailsWithTheLastFailureAfterItsScaledTimeout() {
    System.setProperty(Settings.TIME_SCALE, "0.05");
    try {
      run(NeverTrue.class).testEvents().assertThatEvents().haveExactly(1, event(test("waitsForAnInstanceNobodyRegisters"),
          finishedWithFailure(instanceOf(AssertionError.class), message("Still failing after PT0.5S (checked every 50 ms): "
              + "Expecting registry to have instance orders/i-1 but found in orders: []" + SCALE_HINT))))
          .haveExactly(1, event(test("neverFinishesACheck"), finishedWithFailure(instanceOf(AssertionError.class),
              message("Not even one check finished within PT0.5S: the assertion was still running (is etcd answering?)"
                  + SCALE_HINT))));
    } finally {
      System.clearProperty(Settings.TIME_SCALE);
    }
    assertThat(SEEN).containsExactly("PT0.5S PT0.075S");
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class CallOutOfTime {
    @Test
    void listsWhileEtcdIsPaused(EtcdHandle etcd, Registry registry) {
      Leftovers.keep(registry);
      registry.instances("orders"); // connected: the call below waits for an answer, not a connection
      etcd.pause(); // unpaused by the toolkit after the test
      registry.instances("orders");
    }
  }

  @Test
  void aCallThatRunsOutOfTimeSaysWhichSettingToRaise() {
    System.setProperty(Settings.TIME_SCALE, "0.25");
    try {
      run(CallOutOfTime.class).testEvents().assertThatEvents().haveExactly(1, event(test("listsWhileEtcdIsPaused"),
          finishedWithFailure(instanceOf(dev.registrykit.RegistryUnavailableException.class),
              message(m -> m.contains("did not answer within PT0.5S") && m.endsWith(" (on etcd the toolkit's time "
                  + "bounds are scaled by registrykit.time.scale, now 0.25: on a loaded machine raise it, "
                  + "e.g. -Dregistrykit.time.scale=2 or REGISTRYKIT_TIME_SCALE=2)")))));
    } finally {
      System.clearProperty(Settings.TIME_SCALE);
    }
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
      Leftovers.keep(registry);
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
      Leftovers.keep(registry);
      SEEN.add("outer " + ((EtcdRegistry) registry).namespace().equals(((EtcdRegistry) outerRegistry).namespace()));
    }

    @org.junit.jupiter.api.Nested
    class Inner {
      @RegistryResource
      EtcdHandle etcd;

      @Test
      void inner(Registry registry) {
        Leftovers.keep(registry);
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

  /** A consumer's own annotation for its etcd tests, as the house style suggests. */
  @Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
  @Retention(RetentionPolicy.RUNTIME)
  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @interface OrdersEtcdTest {
  }

  @OrdersEtcdTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class WithItsOwnAnnotation {
    @RegistryResource
    Registry registry;

    @Test
    void injectedWithTheAnnotationsLifecycle(EtcdHandle etcd) {
      Leftovers.keep(registry);
      etcd.pause(); // refused unless the PER_CLASS of the meta-annotation was read
      etcd.unpause();
      registry.register(ServiceInstance.of("orders", "1", "http://h:1"), Duration.ofSeconds(30));
      SEEN.add("own annotation " + registry.instances("orders").size());
    }
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  abstract static class EtcdTestBase {
    @RegistryResource
    Registry registry;
  }

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class InheritsTheAnnotation extends EtcdTestBase {
    @Test
    void injectedWithTheSuperclassesLifecycle(EtcdHandle etcd) {
      Leftovers.keep(registry);
      etcd.pause(); // refused unless the PER_CLASS of the superclass's annotation was read
      etcd.unpause();
      registry.register(ServiceInstance.of("orders", "1", "http://h:1"), Duration.ofSeconds(30));
      SEEN.add("inherited " + registry.instances("orders").size());
    }
  }

  @Test
  void aConsumersOwnAnnotationAndASubclassGetWhatTheAnnotationSays() {
    run(WithItsOwnAnnotation.class, InheritsTheAnnotation.class).testEvents()
        .assertStatistics(stats -> stats.started(2).succeeded(2).failed(0));
    assertThat(SEEN).containsExactlyInAnyOrder("own annotation 1", "inherited 1");
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
            + "@EtcdRegistryTest cannot inject; it injects [Registry, EtcdRegistry, EtcdHandle, Client, RegistryTime, BackendControls]"))));
    assertThat(SEEN).isEmpty();
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class StaticField {
    @RegistryResource
    static Registry registry;

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class FinalField {
    @RegistryResource
    final Registry registry = null;

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @Test
  void aStaticOrFinalFieldIsNamedWithTheFix() {
    run(StaticField.class, FinalField.class).testEvents().assertStatistics(stats -> stats.started(2).failed(2))
        .assertThatEvents()
        .haveExactly(1, event(test("neverRuns"), finishedWithFailure(
            instanceOf(org.junit.jupiter.api.extension.ExtensionConfigurationException.class),
            message("@RegistryResource field StaticField.registry must be neither static nor final but is static: "
                + "make it an instance field, which the extension fills before each test"))))
        .haveExactly(1, event(test("neverRuns"), finishedWithFailure(
            instanceOf(org.junit.jupiter.api.extension.ExtensionConfigurationException.class),
            message("@RegistryResource field FinalField.registry must be neither static nor final but is final: "
                + "remove final, so that the extension can fill it before each test"))));
    assertThat(SEEN).isEmpty();
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class BadParameter {
    @Test
    void neverRuns(Registry registry, StringBuilder text) {
      SEEN.add("ran");
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class BadLifecycleParameter {
    @BeforeEach
    void setUp(dev.registrykit.fake.FakeClock clock) {
      SEEN.add("set up");
    }

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @Test
  void aParameterOfAnUnsupportedTypeIsNamedWithWhatTheAnnotationInjects() {
    run(BadParameter.class, BadLifecycleParameter.class).testEvents()
        .assertStatistics(stats -> stats.started(2).failed(2))
        .assertThatEvents()
        .haveExactly(1, event(test("neverRuns"), finishedWithFailure(instanceOf(ParameterResolutionException.class),
            message("BadParameter.neverRuns(Registry, StringBuilder) asks for parameter [java.lang.StringBuilder "
                + "arg1], which @EtcdRegistryTest cannot inject and no other extension resolves; @EtcdRegistryTest "
                + "injects [Registry, EtcdRegistry, EtcdHandle, Client, RegistryTime, BackendControls]"))))
        .haveExactly(1, event(test("neverRuns"), finishedWithFailure(instanceOf(ParameterResolutionException.class),
            message("BadLifecycleParameter.setUp(FakeClock) asks for parameter [dev.registrykit.fake.FakeClock arg0], "
                + "which @EtcdRegistryTest cannot inject and no other extension resolves; @EtcdRegistryTest injects "
                + "[Registry, EtcdRegistry, EtcdHandle, Client, RegistryTime, BackendControls]"))));
    assertThat(SEEN).isEmpty();
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_METHOD)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PerMethodBeforeAll {
    @BeforeAll
    static void setUp(Registry registry) {
      SEEN.add("set up");
    }

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @Test
  void perMethodRefusesToInjectIntoBeforeAllSayingWhatToUse() {
    EngineExecutionResults results = run(PerMethodBeforeAll.class);

    results.testEvents().assertStatistics(stats -> stats.started(0));
    results.containerEvents().assertThatEvents().haveExactly(1, event(
        org.junit.platform.testkit.engine.EventConditions.container(PerMethodBeforeAll.class),
        finishedWithFailure(instanceOf(ParameterResolutionException.class), message("Failed to resolve parameter "
            + "[dev.registrykit.Registry arg0] in method [static void " + PerMethodBeforeAll.class.getName()
            + ".setUp(dev.registrykit.Registry)]: @EtcdRegistryTest(lifecycle = PER_METHOD) gives each test method "
            + "its own etcd, so it cannot inject into @BeforeAll methods or constructors of PerMethodBeforeAll; use "
            + "PER_CLASS for that"))));
    assertThat(SEEN).isEmpty();
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
    String backend = System.getProperty(Settings.SOURCE);
    String binary = System.getProperty(Settings.BINARY);
    String wasRequired = System.getProperty(Settings.REQUIRED);
    System.setProperty(Settings.SOURCE, "process");
    System.setProperty(Settings.BINARY, "/nonexistent/etcd");
    System.setProperty(Settings.REQUIRED, required);
    try {
      return run(NoEtcd.class);
    } finally {
      restore(Settings.SOURCE, backend);
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

  /** Every branch of the choice has its message pinned in {@link EtcdSourcesTest}; this one goes through the engine. */
  private static final String NO_ETCD = "registrykit.etcd.source=process but no etcd binary was found "
      + "(registrykit.etcd.binary=/nonexistent/etcd is not an executable file): install etcd (Debian/Ubuntu: "
      + "apt-get install etcd-server; elsewhere: https://etcd.io/docs/latest/install/) and put it on the PATH or "
      + "name it with -Dregistrykit.etcd.binary=/path/to/etcd.";

  @Test
  void withoutEtcdTheClassIsSkippedSayingWhyAndHowToGetIt() {
    runWithoutEtcd("false").containerEvents().assertThatEvents()
        .haveExactly(1, event(skippedWithReason(NO_ETCD + " Skipped: with -Dregistrykit.etcd.required=true (or "
            + "REGISTRYKIT_ETCD_REQUIRED=true) these tests fail instead.")));
    assertThat(SEEN).isEmpty();
  }

  @Test
  void withoutEtcdButRequiredTheTestsFail() {
    runWithoutEtcd("true").testEvents().assertThatEvents().haveExactly(1, event(test("needsEtcd"),
        finishedWithFailure(instanceOf(ParameterResolutionException.class),
            message("Failed to resolve parameter [dev.registrykit.Registry arg0] in method [void "
                + NoEtcd.class.getName() + ".needsEtcd(dev.registrykit.Registry)]: " + NO_ETCD
                + " The tests fail instead of being skipped because registrykit.etcd.required is true."))));
    assertThat(SEEN).isEmpty();
  }

  @Test
  void anUnknownBackendFailsTheClassNamingTheChoices() {
    runWith(Settings.SOURCE, "kubernetes", NoEtcd.class).containerEvents().assertThatEvents().haveExactly(1, event(
        finishedWithFailure(org.junit.platform.testkit.engine.TestExecutionResultConditions.cause(
            instanceOf(IllegalArgumentException.class), message("registrykit.etcd.source must be one of auto, "
                + "container, process, external but was: \"kubernetes\"")))));
    assertThat(SEEN).isEmpty();
  }

  // ------------------------------------------------------------------------------ an etcd of the user's

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnExternal {
    @Test
    void registersButRefusesFaults(Registry registry, EtcdHandle etcd) {
      Leftovers.keep(registry);
      SEEN.add(etcd.source() + " " + etcd.endpoints());
      registry.register(ServiceInstance.of("x", "1", "http://h:1"), Duration.ofSeconds(30));
      assertThat(registry.instances("x")).hasSize(1);
      etcd.pause();
    }
  }

  @Test
  void givenEndpointsAreUsedBeforeDockerAndNeverControlled() {
    try (ProcessEtcd theirs = new ProcessEtcd(Needs.etcdBinary())) {
      String endpoint = theirs.endpoints().get(0).toString();
      runWith(Settings.ENDPOINTS, endpoint, OnExternal.class).testEvents().assertThatEvents().haveExactly(1,
          event(test("registersButRefusesFaults"), finishedWithFailure(instanceOf(UnsupportedOperationException.class),
              message("pause() is not available on the etcd at [" + endpoint + "] given by REGISTRYKIT_ETCD_ENDPOINTS "
                  + "or -Dregistrykit.etcd.endpoints: registrykit does not control an etcd it did not start. Unset it "
                  + "to let the tests run etcd in a container or as a process."))));
      assertThat(SEEN).containsExactly("external [" + endpoint + "]");
      assertThat(Health.healthy(theirs.endpoints().get(0))).as("their etcd, still serving").isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------ the process source

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OnAProcess {
    @Test
    void registersAndSurvivesFaults(Registry registry, EtcdHandle etcd, RegistryTime time) {
      Leftovers.keep(registry);
      assertThat(etcd.source()).isEqualTo("process");
      SEEN.add(etcd.toString());
      var registration = registry.register(ServiceInstance.of("p", "1", "http://h:1"), Duration.ofSeconds(1));
      etcd.pause();
      etcd.unpause();
      etcd.stop();
      etcd.start();
      etcd.pause();
      long stopping = System.nanoTime();
      etcd.stop(); // a stopped (SIGSTOP) process is continued first, or it would hold SIGTERM
      // within a third of the 15 s (both scaled) that the stop waits for SIGTERM before it kills
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(TimeScale.scaled(Duration.ofSeconds(5)));
      etcd.start();
      time.eventually(() -> assertThat(registry.instances("p")).hasSize(1));
      time.crash(registration);
      time.awaitExpiry(registration);
      SEEN.add("process");
    }
  }

  @Test
  void theProcessBackendRunsEtcdFromTheBinary() {
    Path binary = Needs.etcdBinary();
    runWith(Settings.SOURCE, "process", OnAProcess.class).testEvents()
        .assertStatistics(stats -> stats.succeeded(1).failed(0));
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).startsWith("EtcdHandle[etcd process " + binary + " at http://127.0.0.1:");
    assertThat(SEEN.get(1)).isEqualTo("process");
  }

  @Test
  void theBinaryThePropertyNamesIsTheOneThatRuns(@TempDir Path directory) throws IOException {
    Path named = Files.writeString(directory.resolve("my-etcd"), "#!/bin/sh\nexec '" + Needs.etcdBinary() + "' \"$@\"\n");
    assertThat(named.toFile().setExecutable(true)).as("made executable: " + named).isTrue();
    String binary = System.getProperty(Settings.BINARY);
    System.setProperty(Settings.BINARY, named.toString());
    try {
      runWith(Settings.SOURCE, "process", OnAProcess.class).testEvents()
          .assertStatistics(stats -> stats.succeeded(1).failed(0));
    } finally {
      restore(Settings.BINARY, binary);
    }
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).startsWith("EtcdHandle[etcd process " + named + " at http://127.0.0.1:");
  }

  @Test
  void aTestThatLeavesAProcessDownDoesNotTakeItFromTheNextTests() {
    Needs.etcdBinary();
    assertLeftBehindFaultsWereUndone(runWith(Settings.SOURCE, "process", FaultsLeftBehind.class));
  }
}
