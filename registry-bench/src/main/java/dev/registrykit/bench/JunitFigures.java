package dev.registrykit.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Figure 6 of BENCHMARKS.md: a suite of 50 tests in 5 classes on {@code @EtcdRegistryTest} (one etcd
 * for the run, a registry per test) against the plain Testcontainers way (a container per class,
 * a client on it), both run by the JUnit engine in this JVM. Each test registers and lists one
 * instance. Reports the time to the first test and the mean time per test after it.
 */
public final class JunitFigures {

  static final String ENABLED = "registrykit.bench.junit";
  static final List<Long> STARTS = new CopyOnWriteArrayList<>();
  static final int TESTS_PER_CLASS = 10;

  private JunitFigures() {
  }

  /** {@code java dev.registrykit.bench.JunitFigures}; needs Docker (and REGISTRYKIT_ETCD_IMAGE where images cannot be pulled). */
  public static void main(String[] args) {
    run(System.out, 2);
  }

  /**
   * Runs both suites {@code passes} times, alternately, prints a Markdown table of the last pass and
   * returns {ours per-test ms, baseline per-test ms}. Whichever suite runs first in a JVM also pays
   * for loading jetcd and gRPC (about a second here), so a fair comparison needs two passes; one is
   * enough to check that the figure still runs.
   */
  public static double[] run(PrintStream out, int passes) {
    if (passes < 1) {
      throw new IllegalArgumentException("passes must be at least 1 but was: " + passes);
    }
    int perClass = TESTS_PER_CLASS;
    System.setProperty(ENABLED, "true");
    // Both ways need Testcontainers' Docker client; set it up before either is timed.
    org.testcontainers.DockerClientFactory.instance().client();
    try {
      double[] ours = null;
      double[] theirs = null;
      for (int pass = 0; pass < passes; pass++) {
        ours = suite(Ours1.class, Ours2.class, Ours3.class, Ours4.class, Ours5.class);
        theirs = suite(Plain1.class, Plain2.class, Plain3.class, Plain4.class, Plain5.class);
      }
      out.printf(Locale.ROOT, "| 6. %d tests in 5 classes: first test after | %.0f ms | %.0f ms (container per class) | %.2f |%n",
          5 * perClass, ours[0], theirs[0], ours[0] / theirs[0]);
      out.printf(Locale.ROOT, "| 6. per test after the first | %.1f ms | %.1f ms | %.2f |%n",
          ours[1], theirs[1], ours[1] / theirs[1]);
      return new double[] {ours[1], theirs[1]};
    } finally {
      System.clearProperty(ENABLED);
    }
  }

  private static double[] suite(Class<?>... classes) {
    STARTS.clear();
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (Class<?> type : classes) {
      selectors.add(selectClass(type));
    }
    long start = System.nanoTime();
    var results = EngineTestKit.engine("junit-jupiter").selectors(selectors.toArray(DiscoverySelector[]::new)).execute();
    results.testEvents().assertStatistics(stats -> stats.succeeded(5L * TESTS_PER_CLASS).failed(0));
    double first = (STARTS.get(0) - start) / 1e6;
    // The mean gap between one test's start and the next one's: what each test after the first
    // costs, set-up and tear-down between them included, but not the run's final tear-down (stopping
    // the shared etcd, or the last class's container), which no test waits for.
    double perTest = (STARTS.get(STARTS.size() - 1) - STARTS.get(0)) / 1e6 / (STARTS.size() - 1);
    return new double[] {first, perTest};
  }

  // ------------------------------------------------------------------------------ our way

  /** One test body of ours. */
  static void ours(Registry registry, int repetition) {
    STARTS.add(System.nanoTime());
    ServiceInstance instance = ServiceInstance.of("bench", "i-" + repetition, "http://10.0.0.1:5000");
    registry.register(instance, Duration.ofSeconds(30));
    if (registry.instances("bench").size() != 1) {
      throw new AssertionError("namespaces leaked");
    }
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_RUN)
  @EnabledIfSystemProperty(named = ENABLED, matches = "true")
  static class Ours1 {
    @RepeatedTest(TESTS_PER_CLASS)
    void test(Registry registry, org.junit.jupiter.api.RepetitionInfo info) {
      ours(registry, info.getCurrentRepetition());
    }
  }

  static class Ours2 extends Ours1 {
  }

  static class Ours3 extends Ours1 {
  }

  static class Ours4 extends Ours1 {
  }

  static class Ours5 extends Ours1 {
  }

  // ------------------------------------------------------------------------------ the plain way

  @EnabledIfSystemProperty(named = ENABLED, matches = "true")
  static class Plain1 {
    static GenericContainer<?> etcd;
    static Client client;

    @BeforeAll
    static void start() {
      String image = System.getenv().getOrDefault("REGISTRYKIT_ETCD_IMAGE", EtcdRegistryTest.DEFAULT_IMAGE);
      etcd = new GenericContainer<>(DockerImageName.parse(image))
          .withExposedPorts(2379)
          .withCommand("etcd", "--listen-client-urls", "http://0.0.0.0:2379",
              "--advertise-client-urls", "http://127.0.0.1:2379", "--heartbeat-interval", "10",
              "--election-timeout", "100")
          .waitingFor(org.testcontainers.containers.wait.strategy.Wait.forHttp("/health").forPort(2379));
      etcd.start();
      client = Client.builder().endpoints("http://127.0.0.1:" + etcd.getMappedPort(2379)).build();
    }

    @AfterAll
    static void stop() {
      client.close();
      etcd.stop();
    }

    @RepeatedTest(TESTS_PER_CLASS)
    void test(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
      STARTS.add(System.nanoTime());
      ByteSequence key = ByteSequence.from("/services/bench/i-" + info.getCurrentRepetition(), StandardCharsets.UTF_8);
      long lease = client.getLeaseClient().grant(30).get(5, TimeUnit.SECONDS).getID();
      client.getKVClient().put(key, ByteSequence.from("{}", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease).build()).get(5, TimeUnit.SECONDS);
      client.getKVClient().get(key).get(5, TimeUnit.SECONDS);
    }
  }

  static class Plain2 extends Plain1 {
  }

  static class Plain3 extends Plain1 {
  }

  static class Plain4 extends Plain1 {
  }

  static class Plain5 extends Plain1 {
  }
}
