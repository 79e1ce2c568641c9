package dev.registrykit.junit.etcd.internal;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * JUnit's parallel mode (concurrent classes and methods) with the toolkit: one shared etcd started
 * once however many classes ask for it at the same moment, every test in a namespace of its own while
 * others write beside it, fault controls on an etcd of a class's own, and on the shared etcd the
 * same refusal as in a sequential run.
 */
class ParallelExecutionTest {

  private static final String FIXTURE = "registrykit.fixture";
  /** How many tests must be inside their bodies at once before any goes on: proves they interleave. */
  private static final int TOGETHER = 4;

  static final Map<String, Set<String>> ETCDS = new ConcurrentHashMap<>();
  static final Set<String> THREADS = ConcurrentHashMap.newKeySet();
  static final List<String> DONE = new CopyOnWriteArrayList<>();
  static final AtomicInteger INSIDE = new AtomicInteger();
  static final AtomicInteger MOST_INSIDE = new AtomicInteger();
  static volatile CountDownLatch together;

  /**
   * What every etcd test body does: register three instances of one service, watch it and list it,
   * with {@link #TOGETHER} tests doing it at once, and see only its own.
   */
  static void exercise(String name, Registry registry, List<String> endpoints) throws Exception {
    THREADS.add(Thread.currentThread().getName());
    ETCDS.computeIfAbsent(String.join(",", endpoints), key -> ConcurrentHashMap.newKeySet()).add(name);
    MOST_INSIDE.accumulateAndGet(INSIDE.incrementAndGet(), Math::max);
    try {
      List<RegistryEvent> events = new CopyOnWriteArrayList<>();
      try (Subscription watch = registry.watch("orders", events::add)) {
        rendezvous();
        for (int i = 0; i < 3; i++) {
          registry.register(ServiceInstance.of("orders", name + "-" + i, "http://10.0.0." + i + ":5000"),
              Duration.ofSeconds(30));
        }
        assertThat(registry.instances("orders")).extracting(ServiceInstance::instanceId)
            .as("%s sees its own instances, none of the other tests'", name)
            .containsExactly(name + "-0", name + "-1", name + "-2");
        org.awaitility.Awaitility.await().atMost(TimeScale.scaled(Duration.ofSeconds(10)))
            .untilAsserted(() -> assertThat(events).hasSize(3));
      }
    } finally {
      INSIDE.decrementAndGet();
    }
    DONE.add(name);
  }

  /**
   * Waits (bounded) until {@link #TOGETHER} tests have come here, so the first {@link #TOGETHER} are
   * inside at once; later ones go on at once. A run that never gets there fails.
   */
  private static void rendezvous() throws InterruptedException {
    together.countDown();
    if (!together.await(TimeScale.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("fewer than " + TOGETHER + " tests ran at once within 60 s: is parallel mode on?");
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class SharedA {
    @Test
    void one(Registry registry, EtcdHandle etcd) throws Exception {
      exercise("a1", registry, etcd.endpoints().stream().map(Object::toString).toList());
    }

    @Test
    void two(Registry registry, EtcdHandle etcd) throws Exception {
      exercise("a2", registry, etcd.endpoints().stream().map(Object::toString).toList());
    }

    @Test
    void three(Registry registry, EtcdHandle etcd) throws Exception {
      exercise("a3", registry, etcd.endpoints().stream().map(Object::toString).toList());
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class SharedB {
    @Test
    void one(Registry registry, EtcdHandle etcd) throws Exception {
      exercise("b1", registry, etcd.endpoints().stream().map(Object::toString).toList());
    }

    @Test
    void two(Registry registry, EtcdHandle etcd) throws Exception {
      exercise("b2", registry, etcd.endpoints().stream().map(Object::toString).toList());
    }

    @Test
    void pausingTheSharedEtcdIsRefused(EtcdHandle etcd) {
      etcd.pause();
    }
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class OwnEtcdWithFaults {
    @Test
    void pausesItsOwnEtcdWhileOthersRun(Registry registry, EtcdHandle etcd, RegistryTime time) throws Exception {
      exercise("own", registry, etcd.endpoints().stream().map(Object::toString).toList());
      Registration registration = registry.register(ServiceInstance.of("paused", "p", "http://h:1"), Duration.ofSeconds(1));
      etcd.pause();
      try {
        time.elapse(Duration.ofMillis(200));
      } finally {
        etcd.unpause();
      }
      time.eventually(() -> assertThat(registry).hasInstance(registration.instance()));
    }
  }

  @FakeRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Fakes {
    @Test
    void expiresOnItsOwnClock(FakeRegistry registry, FakeClock clock) {
      THREADS.add(Thread.currentThread().getName());
      Registration registration = registry.register(ServiceInstance.of("orders", "f", "http://h:1"), Duration.ofSeconds(30));
      registry.crash(registration);
      clock.advance(Duration.ofSeconds(31));
      assertThat(registry).doesNotHaveInstance(registration.instance());
      DONE.add("fake");
    }
  }

  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class Both {
    @RegistryTest
    void registersOnEach(Registry registry) {
      THREADS.add(Thread.currentThread().getName());
      ServiceInstance instance = ServiceInstance.of("orders", "both", "http://h:1");
      registry.register(instance, Duration.ofSeconds(30));
      assertThat(registry.instances("orders")).containsExactly(instance);
      DONE.add("both");
    }
  }

  @Test
  void aParallelSuiteSharesOneEtcdAndKeepsEveryTestInItsOwnNamespace() {
    ETCDS.clear();
    THREADS.clear();
    DONE.clear();
    INSIDE.set(0);
    MOST_INSIDE.set(0);
    together = new CountDownLatch(TOGETHER);
    Leftovers before = Leftovers.before();
    System.setProperty(FIXTURE, "true");
    EngineExecutionResults results;
    try {
      results = EngineTestKit.engine("junit-jupiter")
          .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
          .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
          .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
          .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
          .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "6")
          .configurationParameter("junit.jupiter.execution.parallel.config.fixed.max-pool-size", "6")
          .selectors(selectClass(SharedA.class), selectClass(SharedB.class), selectClass(OwnEtcdWithFaults.class),
              selectClass(Fakes.class), selectClass(Both.class))
          .execute();
    } finally {
      System.clearProperty(FIXTURE);
    }
    before.assertNoneAfter();

    results.testEvents().assertStatistics(stats -> stats.started(10).succeeded(9).failed(1));
    results.testEvents().assertThatEvents().haveExactly(1, event(test("pausingTheSharedEtcdIsRefused"),
        finishedWithFailure(instanceOf(UnsupportedOperationException.class), message(
            "pause() would hit every test class sharing this etcd (lifecycle PER_RUN): use "
                + "@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS) or PER_METHOD for tests that inject faults"))));
    assertThat(DONE).containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "b2", "own", "fake", "both", "both");
    assertThat(ETCDS).as("the etcd each test used, by endpoints").hasSize(2);
    assertThat(ETCDS.values()).as("one shared etcd for the five tests of the shared classes, one of its own")
        .containsExactlyInAnyOrder(Set.of("a1", "a2", "a3", "b1", "b2"), Set.of("own"));
    assertThat(MOST_INSIDE.get()).as("tests inside an etcd test body at once").isGreaterThanOrEqualTo(TOGETHER);
    assertThat(THREADS).as("threads that ran tests").hasSizeGreaterThanOrEqualTo(TOGETHER);
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  @org.junit.jupiter.api.Order(1)
  static class SharedFirst {
    @Test
    void notes(EtcdHandle etcd) {
      ETCDS.computeIfAbsent(etcd.endpoints().toString(), key -> ConcurrentHashMap.newKeySet()).add("shared");
    }
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  @org.junit.jupiter.api.Order(2)
  static class OwnAfter {
    @Test
    void notes(EtcdHandle etcd) {
      ETCDS.computeIfAbsent(etcd.endpoints().toString(), key -> ConcurrentHashMap.newKeySet()).add("own");
    }
  }

  /** The bug the parallel suite found, in a sequential run: PER_CLASS after PER_RUN got the shared etcd. */
  @Test
  void aClassWithAnEtcdOfItsOwnGetsItsOwnAfterAClassOnTheSharedOne() {
    ETCDS.clear();
    Leftovers before = Leftovers.before();
    System.setProperty(FIXTURE, "true");
    try {
      EngineTestKit.engine("junit-jupiter")
          .configurationParameter("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
          .selectors(selectClass(OwnAfter.class), selectClass(SharedFirst.class))
          .execute().testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
    } finally {
      System.clearProperty(FIXTURE);
    }
    before.assertNoneAfter();
    assertThat(ETCDS.values()).containsExactlyInAnyOrder(Set.of("shared"), Set.of("own"));
  }
}
