package dev.registrykit.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Figure 6 of BENCHMARKS.md: a suite of 50 tests in 5 classes on {@code @EtcdRegistryTest} (one etcd
 * for the run, a registry per test) against the plain Testcontainers way (a container per class,
 * a client on it, the same etcd flags), both run by the JUnit engine in this JVM. Each test registers
 * and lists one instance. Reports the time to the first test and the mean time per test after it.
 */
public final class JunitFigures {

  static final String ENABLED = "registrykit.bench.junit";
  static final List<Long> STARTS = new CopyOnWriteArrayList<>();
  /** How long each of our test bodies took (ns), to split a test's cost into its body and the toolkit's part. */
  static final List<Long> BODIES = new CopyOnWriteArrayList<>();
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
   * enough to check that the figure still runs. Then, in the same JVM, our 50 tests once more in
   * JUnit's sequential and parallel modes (classes and methods concurrent), and the wall time of each.
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
        ours = suite(Map.of(), OURS);
        theirs = suite(Map.of(), Plain1.class, Plain2.class, Plain3.class, Plain4.class, Plain5.class);
      }
      out.printf(Locale.ROOT, "| 6. %d tests in 5 classes: first test after | %.0f ms | %.0f ms (container per class) | %.2f |%n",
          5 * perClass, ours[0], theirs[0], ours[0] / theirs[0]);
      out.printf(Locale.ROOT, "| 6. per test after the first | %.1f ms | %.1f ms | %.2f |%n",
          ours[1], theirs[1], ours[1] / theirs[1]);
      out.printf(Locale.ROOT, "| 6. of which the test body (register + list) | %.1f ms | %.1f ms (the same calls, raw jetcd) "
          + "| %.2f |%n", ours[2], theirs[2], ours[2] / theirs[2]);
      out.printf(Locale.ROOT, "| 6. the baseline's etcd (%s) | - | %s | - |%n", plainImage(),
          String.join(" ", plainCommand(plainImage())));
      out.printf(Locale.ROOT, "| 6. of which the toolkit between bodies (registry, namespace, close) | %.1f ms | - | - |%n",
          ours[1] - ours[2]);
      double sequential = suite(Map.of(), OURS)[3];
      double parallel = suite(PARALLEL, OURS)[3];
      out.printf(Locale.ROOT, "| 9. %d etcd tests, whole run: sequential vs parallel | %.0f ms parallel | %.0f ms sequential "
          + "| %.2f |%n", 5 * perClass, parallel, sequential, parallel / sequential);
      EngineTestKit.engine("junit-jupiter").selectors(selectClass(Parts.class)).execute().testEvents()
          .assertStatistics(stats -> stats.succeeded(1).failed(0));
      out.printf(Locale.ROOT, "| 6. parts of the toolkit's share, mean of %d: a test registry built | %.2f ms | - | - |%n",
          PART_SAMPLES, PARTS[0]);
      out.printf(Locale.ROOT, "| 6. parts: its close, which revokes the test's lease | %.2f ms | raw jetcd lease revoke: "
          + "%.2f ms | %.2f |%n", PARTS[1], PARTS[2], PARTS[1] / PARTS[2]);
      out.printf(Locale.ROOT, "| 6. parts: a body's calls (register + list) on the injected registry, through the "
          + "cuttable proxy | %.2f ms | the same on a registry with a direct client: %.2f ms | %.2f |%n",
          PARTS[3], PARTS[4], PARTS[3] / PARTS[4]);
      return new double[] {ours[1], theirs[1]};
    } finally {
      System.clearProperty(ENABLED);
    }
  }

  private static final Class<?>[] OURS = {Ours1.class, Ours2.class, Ours3.class, Ours4.class, Ours5.class};

  /** JUnit's parallel mode, classes and methods concurrent, on as many threads as cores. */
  private static final Map<String, String> PARALLEL = Map.of(
      "junit.jupiter.execution.parallel.enabled", "true",
      "junit.jupiter.execution.parallel.mode.default", "concurrent",
      "junit.jupiter.execution.parallel.mode.classes.default", "concurrent");

  /**
   * Runs {@code classes} with the configuration {@code parameters}; returns {ms to the first test,
   * mean ms per test after it, mean ms of the test bodies, ms of the whole run}.
   */
  private static double[] suite(Map<String, String> parameters, Class<?>... classes) {
    STARTS.clear();
    BODIES.clear();
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (Class<?> type : classes) {
      selectors.add(selectClass(type));
    }
    long start = System.nanoTime();
    var results = EngineTestKit.engine("junit-jupiter").configurationParameters(parameters)
        .selectors(selectors.toArray(DiscoverySelector[]::new)).execute();
    double whole = (System.nanoTime() - start) / 1e6;
    results.testEvents().failed().stream().findFirst().ifPresent(failed -> {
      throw new AssertionError("a test of the figure failed: " + failed.getTestDescriptor().getDisplayName(),
          failed.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElse(null));
    });
    results.testEvents().assertStatistics(stats -> stats.succeeded(5L * TESTS_PER_CLASS).failed(0));
    List<Long> starts = STARTS.stream().sorted().toList();
    double first = (starts.get(0) - start) / 1e6;
    // The mean gap between one test's start and the next one's: what each test after the first
    // costs, set-up and tear-down between them included, but not the run's final tear-down (stopping
    // the shared etcd, or the last class's container), which no test waits for.
    double perTest = (starts.get(starts.size() - 1) - starts.get(0)) / 1e6 / (starts.size() - 1);
    double body = BODIES.isEmpty() ? 0 : BODIES.stream().mapToLong(Long::longValue).sum() / 1e6 / BODIES.size();
    return new double[] {first, perTest, body, whole};
  }

  // ------------------------------------------------------------------------------ our way

  /** One test body of ours. */
  static void ours(Registry registry, int repetition) {
    long begun = System.nanoTime();
    STARTS.add(begun);
    ServiceInstance instance = ServiceInstance.of("bench", "i-" + repetition, "http://10.0.0.1:5000");
    registry.register(instance, Duration.ofSeconds(30));
    if (registry.instances("bench").size() != 1) {
      throw new AssertionError("namespaces leaked");
    }
    BODIES.add(System.nanoTime() - begun);
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

  static final int PART_SAMPLES = 50;
  /**
   * Mean ms of: building a test registry, closing it with one registration, a raw lease revoke, a test
   * body's calls on the injected registry (through the cuttable proxy), the same on a direct client.
   */
  static final double[] PARTS = new double[5];

  /** A test body's calls without the bookkeeping: register one instance, list its service. */
  static void body(Registry registry, int i) {
    registry.register(ServiceInstance.of("parts", "i-" + i, "http://10.0.0.1:5000"), Duration.ofSeconds(30));
    registry.instances("parts");
  }

  /**
   * What the toolkit does around each test, timed piece by piece on the run's etcd: a registry on the
   * shared connection in a namespace of its own (as the extension makes one), its close with the one
   * instance the test registered, and, as the floor of that close, a raw lease revoke.
   */
  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_RUN)
  @EnabledIfSystemProperty(named = ENABLED, matches = "true")
  static class Parts {
    @Test
    void timesThePieces(EtcdHandle etcd, Registry proxied) throws Exception {
      Client client = etcd.client();
      long build = 0;
      long close = 0;
      long revoke = 0;
      long direct = 0;
      long throughProxy = 0;
      for (int i = 0; i < PART_SAMPLES + 10; i++) { // the first 10 warm up
        long t0 = System.nanoTime();
        EtcdRegistry registry = EtcdRegistry.builder().withClient(client)
            .withNamespace("/registrykit-bench-parts/" + i).build();
        long t1 = System.nanoTime();
        registry.register(ServiceInstance.of("bench", "i-" + i, "http://10.0.0.1:5000"), Duration.ofSeconds(30));
        long t2 = System.nanoTime();
        registry.close();
        long t3 = System.nanoTime();
        long lease = client.getLeaseClient().grant(30).get(Samples.bound(5), TimeUnit.MILLISECONDS).getID();
        long t4 = System.nanoTime();
        client.getLeaseClient().revoke(lease).get(Samples.bound(5), TimeUnit.MILLISECONDS);
        long t5 = System.nanoTime();
        body(proxied, i);
        long t6 = System.nanoTime();
        try (EtcdRegistry onClient = EtcdRegistry.builder().withClient(client)
            .withNamespace("/registrykit-bench-direct/" + i).build()) {
          long t7 = System.nanoTime();
          body(onClient, i);
          long t8 = System.nanoTime();
          if (i >= 10) {
            build += t1 - t0;
            close += t3 - t2;
            revoke += t5 - t4;
            throughProxy += t6 - t5;
            direct += t8 - t7;
          }
        }
      }
      PARTS[0] = build / 1e6 / PART_SAMPLES;
      PARTS[1] = close / 1e6 / PART_SAMPLES;
      PARTS[2] = revoke / 1e6 / PART_SAMPLES;
      PARTS[3] = throughProxy / 1e6 / PART_SAMPLES;
      PARTS[4] = direct / 1e6 / PART_SAMPLES;
    }
  }

  // ------------------------------------------------------------------------------ the plain way

  /**
   * The plain way's etcd command: what the toolkit gives a one-member test etcd (fast elections, and
   * {@code --unsafe-no-fsync} where the image's tag shows etcd 3.5 or later, by the rule of the
   * toolkit's internal {@code EtcdFlags.durability}), so that both sides of figure 6 write alike.
   */
  static List<String> plainCommand(String image) {
    List<String> command = new ArrayList<>(List.of("etcd", "--listen-client-urls", "http://0.0.0.0:2379",
        "--advertise-client-urls", "http://127.0.0.1:2379", "--heartbeat-interval", "10", "--election-timeout", "100"));
    java.util.regex.Matcher version = java.util.regex.Pattern.compile(".*:v?(\\d+)\\.(\\d+)\\b[^/]*").matcher(image);
    if (version.matches() && (Integer.parseInt(version.group(1)) > 3
        || Integer.parseInt(version.group(1)) == 3 && Integer.parseInt(version.group(2)) >= 5)) {
      command.add("--unsafe-no-fsync");
    }
    return command;
  }

  static String plainImage() {
    return System.getenv().getOrDefault("REGISTRYKIT_ETCD_IMAGE", EtcdRegistryTest.DEFAULT_IMAGE);
  }

  @EnabledIfSystemProperty(named = ENABLED, matches = "true")
  static class Plain1 {
    static GenericContainer<?> etcd;
    static Client client;

    @BeforeAll
    static void start() {
      etcd = new GenericContainer<>(DockerImageName.parse(plainImage()))
          .withExposedPorts(2379)
          .withCommand(plainCommand(plainImage()).toArray(String[]::new))
          .waitingFor(org.testcontainers.containers.wait.strategy.Wait.forHttp("/health").forPort(2379));
      etcd.start();
      client = Client.builder().endpoints("http://127.0.0.1:" + etcd.getMappedPort(2379)).build();
    }

    @AfterAll
    static void stop() {
      client.close();
      etcd.stop();
    }

    /**
     * Our body's calls, written by hand: register (lease grant + put under a prefix of the test's
     * own, as a namespace keeps ours apart) and list the service (a prefix get), which must hold one.
     */
    @RepeatedTest(TESTS_PER_CLASS)
    void test(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
      long begun = System.nanoTime();
      STARTS.add(begun);
      String service = "/plain-" + info.getCurrentRepetition() + "/services/bench/";
      ByteSequence key = ByteSequence.from(service + "i-" + info.getCurrentRepetition(), StandardCharsets.UTF_8);
      long lease = client.getLeaseClient().grant(30).get(Samples.bound(5), TimeUnit.MILLISECONDS).getID();
      client.getKVClient().put(key, ByteSequence.from("{}", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease).build()).get(Samples.bound(5), TimeUnit.MILLISECONDS);
      ByteSequence prefix = ByteSequence.from(service, StandardCharsets.UTF_8);
      long listed = client.getKVClient().get(prefix, io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
          .get(Samples.bound(5), TimeUnit.MILLISECONDS).getCount();
      if (listed != 1) {
        throw new AssertionError("the plain test's prefix held " + listed + " keys, not 1");
      }
      BODIES.add(System.nanoTime() - begun);
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
